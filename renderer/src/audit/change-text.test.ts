import { describe, expect, it } from 'vitest';
import { changeText, stagePosition } from './change-text';

describe('changeText', () => {
  it('names the states a change went between', () => {
    expect(changeText({ fromState: 'running', toState: 'paused' })).toBe('running → paused');
    expect(changeText({ fromState: null, toState: 'queued' })).toBe('(new) → queued');
    expect(changeText({ fromState: null, toState: null })).toBe('');
  });

  it('says where a ramp went instead of "running → running"', () => {
    expect(
      changeText({ fromState: 'running', toState: 'running', stage: 2, exposurePercent: 25 }),
    ).toBe('running: stage 2 at 25%');
    expect(changeText({ fromState: 'running', toState: 'running', stage: 3 })).toBe(
      'running: stage 3',
    );
    // Without a recorded stage it falls back to the states.
    expect(changeText({ fromState: 'running', toState: 'running' })).toBe('running → running');
  });

  it('keeps the states when the state changed, whatever the stage', () => {
    expect(
      changeText({ fromState: 'queued', toState: 'running', stage: 1, exposurePercent: 5 }),
    ).toBe('queued → running');
  });
});

describe('stagePosition', () => {
  it('reads the stage and exposure an experiment transition records, and nothing else', () => {
    expect(stagePosition({ stage: 2, exposurePercent: 10, via: 'x' })).toEqual({
      stage: 2,
      exposurePercent: 10,
    });
    expect(stagePosition({ stage: '2' })).toEqual({ stage: null, exposurePercent: null });
    expect(stagePosition({})).toEqual({ stage: null, exposurePercent: null });
  });
});
