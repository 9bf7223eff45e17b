import { describe, expect, it } from 'vitest';
import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import { blastHighlight } from './blast-radius';
import { buildDependencyEdges } from './dependency-edges';
import { buildFlowNodes, decorateNodes, type ExperimentFlowNode } from './flow-elements';
import { NODE_HEIGHT, NODE_WIDTH } from './graph-layout';
import { makeExperiment } from './testing/graph-fixtures';

const fleet = [
  makeExperiment('api', { state: 'completed', stageIndex: 0, stageCount: 1, exposurePercent: 100 }),
  makeExperiment('checkout', {
    state: 'running',
    stageIndex: 1,
    exposurePercent: 25,
    requires: ['api'],
    excludes: ['copy'],
    after: ['cart'],
  }),
  makeExperiment('copy', { state: 'queued', excludes: ['checkout'] }),
  makeExperiment('cart', { state: 'aborted' }),
];
const positions = new Map([
  ['api', { x: 0, y: 0 }],
  ['checkout', { x: 300, y: 0 }],
  ['copy', { x: 0, y: 100 }],
  ['cart', { x: 0, y: 200 }],
]);
const health = new Map<string, GuardrailVerdict>([['checkout', 'inconclusive']]);
const byId = (nodes: readonly ExperimentFlowNode[]) =>
  new Map(nodes.map((node) => [node.id, node]));

describe('experiment nodes', () => {
  it('carry the key, state, stage and guardrail health, at their layout position and size', () => {
    const nodes = buildFlowNodes(fleet, positions, health);
    expect(nodes.map((node) => node.id)).toEqual(['api', 'checkout', 'copy', 'cart']);
    const checkout = byId(nodes).get('checkout')!;
    expect(checkout).toMatchObject({
      type: 'experiment',
      position: { x: 300, y: 0 },
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      draggable: false,
      connectable: false,
      data: { key: 'checkout', state: 'running', stage: 'stage 2/3 · 25%', health: 'inconclusive' },
      ariaLabel: 'checkout: running, stage 2/3 · 25%',
    });
    expect(byId(nodes).get('api')!.data.health).toBeNull();
  });

  it('leaves out experiments the layout has not placed yet', () => {
    const partial = new Map([...positions].filter(([key]) => key !== 'copy'));
    expect(buildFlowNodes(fleet, partial, health).map((node) => node.id)).toEqual([
      'api',
      'checkout',
      'cart',
    ]);
  });

  it('reuses the very node objects that did not change, and only those', () => {
    const first = buildFlowNodes(fleet, positions, health);
    const changed = fleet.map(
      (experiment) =>
        experiment.key === 'checkout'
          ? { ...experiment, state: 'paused' as const, version: 9, blockedReasons: [] }
          : { ...experiment, version: experiment.version + 1 }, // a new version alone draws nothing new
    );
    const second = buildFlowNodes(changed, positions, health, byId(first));
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]!.data.state).toBe('paused');
    expect(second[2]).toBe(first[2]);

    const moved = new Map(positions).set('copy', { x: 0, y: 120 });
    const third = buildFlowNodes(changed, moved, new Map(), byId(second));
    expect(third[1]).not.toBe(second[1]); // health gone
    expect(third[2]).not.toBe(second[2]); // moved
    expect(third[3]).toBe(second[3]);
  });
});

describe('selection and blast-radius decoration', () => {
  const nodes = buildFlowNodes(fleet, positions, health);

  it('changes nothing, not even the array, when nothing is selected or previewed', () => {
    expect(decorateNodes(nodes, null, null)).toBe(nodes);
  });

  it('marks the selected node and leaves every other node object as it was', () => {
    const decorated = decorateNodes(nodes, 'copy', null);
    expect(decorated[2]!.className).toBe('is-selected');
    expect(decorated.filter((node, index) => node !== nodes[index]).map((node) => node.id)).toEqual(
      ['copy'],
    );
  });

  it('marks the radius and its target', () => {
    const highlight = blastHighlight(
      'api',
      [
        { key: 'checkout', state: 'running', via: 'api' },
        { key: 'api', state: 'completed', via: null },
      ],
      buildDependencyEdges(fleet),
    );
    const decorated = byId(decorateNodes(nodes, 'api', highlight));
    expect(decorated.get('api')!.className).toBe('is-selected in-blast-radius blast-target');
    expect(decorated.get('checkout')!.className).toBe('in-blast-radius');
    expect(decorated.get('copy')).toBe(nodes[2]);
  });
});
