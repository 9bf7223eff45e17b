import { QueuePanel } from './queue-panel';
import { useNow, useQueueExperiments } from './use-queue-experiments';

/** How often "time in state" moves on. */
const CLOCK_TICK_MS = 15_000;

/** Every experiment with why it waits, live (the console's home). */
export function QueueView({ onOpenExperiment }: { onOpenExperiment(key: string): void }) {
  const { experiments, error } = useQueueExperiments();
  const nowMs = useNow(CLOCK_TICK_MS);
  return (
    <QueuePanel
      experiments={experiments}
      error={error}
      nowMs={nowMs}
      onOpenExperiment={onOpenExperiment}
    />
  );
}
