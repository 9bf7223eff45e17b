import { describe, expect, it } from 'vitest';
import { takeTokenFromFragment } from './token-fragment';

describe('takeTokenFromFragment', () => {
  it('takes the token and keeps the rest of the fragment', () => {
    expect(takeTokenFromFragment('#token=rwy_abc&view=graph')).toEqual({
      token: 'rwy_abc',
      remainingHash: '#view=graph',
    });
    expect(takeTokenFromFragment('#token=rwy_abc')).toEqual({
      token: 'rwy_abc',
      remainingHash: '',
    });
  });

  it('finds no token where there is none or it is empty', () => {
    expect(takeTokenFromFragment('')).toEqual({ token: null, remainingHash: '' });
    expect(takeTokenFromFragment('#view=queue')).toEqual({
      token: null,
      remainingHash: '#view=queue',
    });
    expect(takeTokenFromFragment('#token=')).toEqual({ token: null, remainingHash: '' });
  });
});
