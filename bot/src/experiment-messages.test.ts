import { describe, expect, it } from 'vitest';
import { mrkdwnToPlain, plainMessage } from './experiment-messages';

describe('mrkdwnToPlain', () => {
  it('drops bold markers and code fences, keeping what a code span holds as written', () => {
    expect(mrkdwnToPlain('*dana* scheduled the digest: cron `45 22 * * *` (UTC).')).toBe(
      'dana scheduled the digest: cron 45 22 * * * (UTC).',
    );
    expect(mrkdwnToPlain('`checkout-v2` *running* · stage 1/3')).toBe(
      'checkout-v2 running · stage 1/3',
    );
  });

  it('leaves a lone asterisk that marks nothing', () => {
    expect(mrkdwnToPlain('error rate * 2 is the bound')).toBe('error rate * 2 is the bound');
  });
});

describe('plainMessage', () => {
  it('sends the mrkdwn in its block and the plain form as the notification text', () => {
    const message = plainMessage('*alice* paused `checkout-v2`');
    expect(message.text).toBe('alice paused checkout-v2');
    expect(message.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*alice* paused `checkout-v2`' } },
    ]);
  });
});
