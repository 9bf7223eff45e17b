import type { TransitionResult } from '../../../shared/src/api-types';
import type { RunwayClient } from '../api/runway-client';
import type { ActionKind } from './action-rules';

/**
 * Sends one action with the version the person looked at, so a change made meanwhile by
 * someone else (or by the guardrail engine) is refused as a conflict, never silently applied.
 * A rollback also sends the blast radius the person confirmed, when it was shown: the server
 * refuses (CASCADE_CHANGED) if the cascade would now take down anything else.
 */
export function performAction(
  client: RunwayClient,
  kind: ActionKind,
  key: string,
  expectedVersion: number,
  reasonText: string,
  confirmedBlastRadius?: readonly string[],
): Promise<TransitionResult> {
  const reason = reasonText.trim();
  const optional = reason ? { reason } : {};
  const experiments = client.experiments;
  switch (kind) {
    case 'advance':
      return experiments.advance.mutate({ key, expectedVersion, ...optional });
    case 'resume':
      return experiments.resume.mutate({ key, expectedVersion, ...optional });
    case 'pause':
      return experiments.pause.mutate({ key, expectedVersion, reason });
    case 'rollback':
      return experiments.rollback.mutate({
        key,
        expectedVersion,
        reason,
        ...(confirmedBlastRadius ? { expectedBlastRadius: [...confirmedBlastRadius] } : {}),
      });
    case 'approve':
      return experiments.approve.mutate({ key, expectedVersion, reason });
    case 'abort':
      return experiments.abort.mutate({ key, expectedVersion, reason });
  }
}
