import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { stateLabel } from '../../../shared/src/state-label';
import type { ExperimentFlowNode } from './flow-elements';
import { VERDICT_LABELS } from './node-appearance';

/**
 * One experiment: key, state, stage and guardrail health, coloured by state (graph.css). Memoised
 * on its data object, which stays the same object while nothing it shows changes. No handles:
 * edges are drawn by the edge layer from the layout's positions, not attached by React Flow.
 */
export const ExperimentNode = memo(function ExperimentNode({
  data,
}: NodeProps<ExperimentFlowNode>) {
  return (
    <div
      className={`experiment-node experiment-node--${data.state}`}
      title={`${data.key}: ${data.title}`}
      data-key={data.key}
      data-state={data.state}
    >
      <div className="experiment-node__head">
        <span className="experiment-node__key">{data.key}</span>
        {data.health && (
          <span
            className={`health-dot health-dot--${data.health}`}
            role="img"
            aria-label={VERDICT_LABELS[data.health]}
            title={VERDICT_LABELS[data.health]}
            data-health={data.health}
          />
        )}
      </div>
      <div className="experiment-node__meta">
        <span className="experiment-node__state">{stateLabel(data.state)}</span>
        <span className="experiment-node__stage">{data.stage}</span>
      </div>
    </div>
  );
});
