import type {
  BlastRadiusEntry,
  ExperimentView,
  GuardrailHealthEntry,
  TransitionResult,
} from '../../../shared/src/api-types';
import { runwayClient, type RunwayClient } from '../api/runway-client';

/**
 * The calls the graph view makes: narrow, so tests hand it a fake. Live changes come from the
 * console's one queue.changes stream (app/live-changes), not from here.
 */
export interface GraphDataSource {
  listExperiments(): Promise<ExperimentView[]>;
  guardrailHealth(): Promise<GuardrailHealthEntry[]>;
  blastRadius(key: string): Promise<BlastRadiusEntry[]>;
  rollback(input: {
    key: string;
    expectedVersion: number;
    reason: string;
    /** The blast radius the user confirmed: refused (CASCADE_CHANGED) if it grew since. */
    expectedBlastRadius?: string[];
  }): Promise<TransitionResult>;
}

export function runwayGraphSource(client: RunwayClient = runwayClient()): GraphDataSource {
  return {
    listExperiments: () => client.experiments.list.query(),
    guardrailHealth: () => client.experiments.guardrailHealth.query(),
    blastRadius: (key) => client.experiments.blastRadius.query({ key }),
    rollback: (input) => client.experiments.rollback.mutate(input),
  };
}
