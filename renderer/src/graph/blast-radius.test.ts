import { describe, expect, it } from 'vitest';
import { blastHighlight, summarizeBlastRadius } from './blast-radius';
import { buildDependencyEdges } from './dependency-edges';
import { rollbackAvailability } from './rollback-availability';
import { makeExperiment } from './testing/graph-fixtures';

// c -> b -> a, e -> b, e -> d -> a (requires); x excludes a; y after a.
const fleet = [
  makeExperiment('a', { state: 'completed' }),
  makeExperiment('b', { state: 'completed', requires: ['a'] }),
  makeExperiment('c', { state: 'running', requires: ['b'] }),
  makeExperiment('d', { state: 'completed', requires: ['a'] }),
  makeExperiment('e', { state: 'paused', requires: ['b', 'd'] }),
  makeExperiment('x', { state: 'running', excludes: ['a'] }),
  makeExperiment('y', { state: 'queued', after: ['a'] }),
];
// What experiments.blastRadius answers for a (see test/reliability/cascade.test.ts).
const RADIUS_OF_A = [
  { key: 'c', state: 'running', via: 'b' },
  { key: 'e', state: 'paused', via: 'b' },
  { key: 'b', state: 'completed', via: 'a' },
  { key: 'd', state: 'completed', via: 'a' },
  { key: 'a', state: 'completed', via: null },
] as const;

describe('the blast-radius highlight', () => {
  it("highlights exactly the server's radius and the requires edges the cascade travels", () => {
    const highlight = blastHighlight('a', [...RADIUS_OF_A], buildDependencyEdges(fleet));
    expect([...highlight.keys].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect([...highlight.edgeIds].sort()).toEqual([
      'requires:a->b',
      'requires:a->d',
      'requires:b->c',
      'requires:b->e',
      'requires:d->e',
    ]);
    expect(highlight.target).toBe('a');
  });

  it('never highlights excludes or after neighbours: the cascade follows requires only', () => {
    const highlight = blastHighlight('a', [...RADIUS_OF_A], buildDependencyEdges(fleet));
    expect(highlight.keys.has('x')).toBe(false);
    expect(highlight.keys.has('y')).toBe(false);
    expect(
      [...highlight.edgeIds].some((id) => id.startsWith('excludes') || id.startsWith('after')),
    ).toBe(false);
  });

  it('highlights the target alone when nothing live depends on it', () => {
    const highlight = blastHighlight(
      'c',
      [{ key: 'c', state: 'running', via: null }],
      buildDependencyEdges(fleet),
    );
    expect([...highlight.keys]).toEqual(['c']);
    expect(highlight.edgeIds.size).toBe(0);
  });

  it('summarizes the dependents in cascade order, then the target', () => {
    const summary = summarizeBlastRadius('a', [...RADIUS_OF_A]);
    expect(summary.dependents.map((entry) => entry.key)).toEqual(['c', 'e', 'b', 'd']);
    expect(summary.target).toEqual({ key: 'a', state: 'completed', via: null });
    expect(summary.total).toBe(5);
  });
});

describe('whether "Roll back…" is offered', () => {
  const operator = { role: 'operator' } as const;

  it('is offered to operators and above for running, paused and completed experiments', () => {
    for (const role of ['operator', 'release-manager', 'admin'] as const) {
      for (const state of ['running', 'paused', 'completed'] as const) {
        expect(rollbackAvailability({ state }, { role })).toEqual({ allowed: true });
      }
    }
  });

  it('is refused to viewers, saying why', () => {
    expect(rollbackAvailability({ state: 'running' }, { role: 'viewer' })).toEqual({
      allowed: false,
      reason: 'Rolling back needs the operator role or above; your token is a viewer.',
    });
  });

  it('is refused for states that cannot be rolled back, naming the ones that can', () => {
    for (const state of [
      'draft',
      'pending_approval',
      'queued',
      'rolled_back',
      'aborted',
    ] as const) {
      const availability = rollbackAvailability({ state }, operator);
      expect(availability.allowed).toBe(false);
    }
    expect(rollbackAvailability({ state: 'rolled_back' }, operator)).toEqual({
      allowed: false,
      reason:
        'Only running, paused or completed experiments can be rolled back; this one is rolled back.',
    });
  });

  it('waits for the server to say who the user is', () => {
    expect(rollbackAvailability({ state: 'running' }, null).allowed).toBe(false);
  });
});
