import { describe, expect, it } from 'vitest';
import type { ErrorIssue } from '../errors';
import { toDefinition } from './spec-schema';
import { formatPath, validateSpec, type SpecValidation } from './spec-validation';

/** The full example spec from DESIGN §2, as the YAML reads it. */
const designExampleSpec = {
  key: 'checkout-v2',
  title: 'New checkout flow',
  owner: 'alice@example.com',
  team: 'payments',
  channel: '#payments-releases',
  hypothesis: 'Faster checkout raises conversion without hurting errors',
  service: 'checkout',
  layer: 'checkout-ui',
  priority: 50,
  risk: 'high',
  requires: ['payments-api-v3'],
  excludes: ['checkout-copy'],
  after: ['cart-redesign'],
  notBefore: '2026-12-01T09:00:00Z',
  notAfter: '2026-12-20T18:00:00Z',
  stages: [
    { percent: 5, hold: '30m' },
    { percent: 25, hold: '2h', approve: true },
    { percent: 100, hold: '1h' },
  ],
  guardrails: [
    { sli: 'error_rate', max: 0.02, window: '5m', action: 'rollback' },
    { sli: 'latency_p95_ms', maxRelative: 0.1, window: '10m', action: 'pause' },
  ],
} as const;

function spec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...structuredClone(designExampleSpec), ...overrides };
}

function issuesOf(result: SpecValidation): ErrorIssue[] {
  if (result.ok) throw new Error('expected the spec to be refused');
  return result.issues;
}

const KEY_MESSAGE =
  'must be 2-63 characters of lowercase letters, digits and dashes, starting with a letter or digit';

describe('validateSpec: the DESIGN §2 example', () => {
  it('accepts the full example and returns it unchanged', () => {
    const result = validateSpec(spec());
    expect(result).toEqual({ ok: true, spec: designExampleSpec });
  });

  it('accepts the minimal spec: only the required fields and one stage', () => {
    const minimal = {
      key: 'ab',
      title: 'Minimal',
      owner: 'bob',
      team: 'search',
      service: 'search',
      layer: 'search-ranking',
      stages: [{ percent: 100, hold: '0s' }],
    };
    expect(validateSpec(minimal)).toEqual({ ok: true, spec: minimal });
  });

  it('turns into a definition with defaults applied and durations in milliseconds', () => {
    const result = validateSpec(spec());
    if (!result.ok) throw new Error('example must validate');
    const definition = toDefinition(result.spec);
    expect(definition.stages).toEqual([
      { percent: 5, holdMs: 30 * 60_000, approve: false },
      { percent: 25, holdMs: 2 * 3_600_000, approve: true },
      { percent: 100, holdMs: 3_600_000, approve: false },
    ]);
    expect(definition.guardrails[1]).toEqual({
      sli: 'latency_p95_ms',
      maxRelative: 0.1,
      windowMs: 600_000,
      action: 'pause',
    });
    expect(definition.notBeforeMs).toBe(Date.UTC(2026, 11, 1, 9));
    expect(definition.notAfterMs).toBe(Date.UTC(2026, 11, 20, 18));

    const defaults = toDefinition({
      ...result.spec,
      priority: undefined,
      risk: undefined,
      requires: undefined,
      channel: undefined,
    });
    expect(defaults).toMatchObject({ priority: 50, risk: 'medium', requires: [], channel: null });
  });
});

describe('validateSpec: keys', () => {
  it.each(['ab', 'checkout-v2', '0-day', 'a'.repeat(63), 'a-'])('accepts key %j', (key) => {
    expect(validateSpec(spec({ key })).ok).toBe(true);
  });

  it.each(['a', 'A-b', 'Checkout', '-ab', 'a_b', 'a.b', 'ab cd', 'a'.repeat(64), '', 'ü-key'])(
    'refuses key %j',
    (key) => {
      expect(issuesOf(validateSpec(spec({ key })))).toEqual([
        { path: 'key', message: KEY_MESSAGE },
      ]);
    },
  );

  it('refuses a badly formed key inside requires, excludes and after, by index', () => {
    const issues = issuesOf(
      validateSpec(spec({ requires: ['ok-key', 'Bad'], excludes: ['_x'], after: ['x'] })),
    );
    expect(issues).toEqual([
      { path: 'requires[1]', message: KEY_MESSAGE },
      { path: 'excludes[0]', message: KEY_MESSAGE },
      { path: 'after[0]', message: KEY_MESSAGE },
    ]);
  });
});

describe('validateSpec: stages', () => {
  const stages = (...percents: number[]) => percents.map((percent) => ({ percent, hold: '1h' }));

  it('refuses a stage that does not increase, naming the earlier stage and its percent', () => {
    expect(issuesOf(validateSpec(spec({ stages: stages(5, 5) })))).toEqual([
      { path: 'stages[1].percent', message: 'must be greater than stages[0].percent (5)' },
    ]);
  });

  it('compares each stage with the one just before it', () => {
    expect(issuesOf(validateSpec(spec({ stages: stages(10, 50, 25, 100) })))).toEqual([
      { path: 'stages[2].percent', message: 'must be greater than stages[1].percent (50)' },
    ]);
    expect(issuesOf(validateSpec(spec({ stages: stages(50, 40, 30) })))).toEqual([
      { path: 'stages[1].percent', message: 'must be greater than stages[0].percent (50)' },
      { path: 'stages[2].percent', message: 'must be greater than stages[1].percent (40)' },
    ]);
  });

  it('refuses a last stage above 100%', () => {
    expect(issuesOf(validateSpec(spec({ stages: stages(5, 25, 101) })))).toEqual([
      { path: 'stages[2].percent', message: 'must be at most 100' },
    ]);
  });

  it('accepts fractional percents and a last stage below 100%', () => {
    expect(validateSpec(spec({ stages: stages(0.5, 2.5, 50) })).ok).toBe(true);
  });

  it('refuses a stage of 0% or less, a missing percent and no stages at all', () => {
    expect(issuesOf(validateSpec(spec({ stages: stages(0, 10) })))).toEqual([
      { path: 'stages[0].percent', message: 'must be greater than 0' },
    ]);
    expect(issuesOf(validateSpec(spec({ stages: [{ hold: '1h' }] })))[0]?.path).toBe(
      'stages[0].percent',
    );
    expect(issuesOf(validateSpec(spec({ stages: [] })))).toEqual([
      { path: 'stages', message: 'needs at least one stage' },
    ]);
  });
});

describe('validateSpec: references', () => {
  it('refuses an experiment that requires, excludes or runs after itself', () => {
    const issues = issuesOf(
      validateSpec(
        spec({
          requires: ['payments-api-v3', 'checkout-v2'],
          excludes: ['checkout-v2'],
          after: ['checkout-v2'],
        }),
      ),
    );
    expect(issues).toEqual([
      { path: 'requires[1]', message: 'an experiment cannot require itself' },
      { path: 'excludes[0]', message: 'an experiment cannot exclude itself' },
      { path: 'after[0]', message: 'an experiment cannot run after itself' },
    ]);
  });

  it('refuses requires and excludes naming the same key', () => {
    const issues = issuesOf(
      validateSpec(
        spec({ requires: ['payments-api-v3'], excludes: ['checkout-copy', 'payments-api-v3'] }),
      ),
    );
    expect(issues).toEqual([
      {
        path: 'excludes[1]',
        message:
          '"payments-api-v3" is also in requires: an experiment cannot both require and exclude it',
      },
    ]);
  });

  it('refuses a key listed twice in one list', () => {
    expect(issuesOf(validateSpec(spec({ after: ['cart-redesign', 'cart-redesign'] })))).toEqual([
      { path: 'after[1]', message: '"cart-redesign" is listed twice' },
    ]);
  });

  it('allows the same key in requires and after (ordering is implied, not contradictory)', () => {
    expect(
      validateSpec(spec({ requires: ['payments-api-v3'], after: ['payments-api-v3'] })).ok,
    ).toBe(true);
  });
});

describe('validateSpec: guardrails and SLIs', () => {
  const knownSlis: Record<string, string[]> = { checkout: ['error_rate', 'latency_p95_ms'] };
  const isKnownSli = (service: string, sli: string) => knownSlis[service]?.includes(sli) ?? false;

  it('accepts SLIs the service defines', () => {
    expect(validateSpec(spec(), { isKnownSli }).ok).toBe(true);
  });

  it('refuses SLIs the service does not define, when the caller can tell', () => {
    const guardrails = [
      { sli: 'error_rate', max: 0.02, window: '5m', action: 'rollback' },
      { sli: 'conversion', minRelative: -0.01, window: '1h', action: 'pause' },
    ];
    expect(issuesOf(validateSpec(spec({ guardrails }), { isKnownSli }))).toEqual([
      { path: 'guardrails[1].sli', message: 'unknown SLI "conversion" for service checkout' },
    ]);
    expect(
      issuesOf(validateSpec(spec({ service: 'search' }), { isKnownSli })).map(
        (issue) => issue.path,
      ),
    ).toEqual(['guardrails[0].sli', 'guardrails[1].sli']);
  });

  it('skips the SLI check offline (no isKnownSli)', () => {
    const guardrails = [{ sli: 'made_up', max: 1, window: '5m', action: 'pause' }];
    expect(validateSpec(spec({ guardrails })).ok).toBe(true);
  });

  it('refuses a guardrail without a bound, min above max, a bad action and a malformed SLI name', () => {
    const guardrails = [
      { sli: 'error_rate', window: '5m', action: 'rollback' },
      { sli: 'error_rate', min: 0.5, max: 0.1, window: '5m', action: 'pause' },
      { sli: 'Error-Rate', max: 1, window: '5m', action: 'explode' },
    ];
    const issues = issuesOf(validateSpec(spec({ guardrails })));
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'guardrails[0]', message: 'needs a bound: max, min, maxRelative or minRelative' },
        { path: 'guardrails[1].min', message: 'must not exceed max (0.1)' },
        { path: 'guardrails[2].sli', message: 'must be an SLI name like error_rate' },
      ]),
    );
    expect(issues.some((issue) => issue.path === 'guardrails[2].action')).toBe(true);
    expect(issues).toHaveLength(4);
  });
});

describe('validateSpec: durations', () => {
  const DURATION_MESSAGE = 'is not a duration (use forms like 30s, 5m, 2h, 1h30m, 1d)';

  it.each(['soon', '30', '1 hour', '', '-5m', '2H'])('refuses stage hold %j', (hold) => {
    const stages = [
      { percent: 5, hold },
      { percent: 100, hold: '1h' },
    ];
    expect(issuesOf(validateSpec(spec({ stages })))).toEqual([
      { path: 'stages[0].hold', message: DURATION_MESSAGE },
    ]);
  });

  it('refuses a guardrail window that does not parse', () => {
    const guardrails = [{ sli: 'error_rate', max: 0.02, window: '10 minutes', action: 'rollback' }];
    expect(issuesOf(validateSpec(spec({ guardrails })))).toEqual([
      { path: 'guardrails[0].window', message: DURATION_MESSAGE },
    ]);
  });

  it('accepts compound and fractional durations', () => {
    const stages = [
      { percent: 5, hold: '1h30m' },
      { percent: 50, hold: '1.5d' },
      { percent: 100, hold: '500ms' },
    ];
    expect(validateSpec(spec({ stages })).ok).toBe(true);
  });
});

describe('validateSpec: other fields', () => {
  it('refuses unknown extra fields anywhere, naming each by its path', () => {
    const issues = issuesOf(
      validateSpec(
        spec({
          owners: ['alice'],
          colour: 'blue',
          stages: [
            { percent: 5, hold: '30m', ramp: 'fast' },
            { percent: 100, hold: '1h' },
          ],
          guardrails: [
            { sli: 'error_rate', max: 0.02, window: '5m', action: 'rollback', severity: 1 },
          ],
        }),
      ),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'owners', message: 'is not a known field' },
        { path: 'colour', message: 'is not a known field' },
        { path: 'stages[0].ramp', message: 'is not a known field' },
        { path: 'guardrails[0].severity', message: 'is not a known field' },
      ]),
    );
    expect(issues).toHaveLength(4);
  });

  it('refuses a notAfter that is not later than notBefore, and malformed times', () => {
    expect(issuesOf(validateSpec(spec({ notAfter: '2026-12-01T09:00:00Z' })))).toEqual([
      { path: 'notAfter', message: 'must be later than notBefore (2026-12-01T09:00:00Z)' },
    ]);
    expect(issuesOf(validateSpec(spec({ notBefore: 'tomorrow' })))).toEqual([
      { path: 'notBefore', message: 'must be an ISO 8601 time like 2026-12-01T09:00:00Z' },
    ]);
  });

  it('refuses a priority outside 0..100 or not whole, an unknown risk and a bad channel', () => {
    expect(issuesOf(validateSpec(spec({ priority: 101 })))[0]?.path).toBe('priority');
    expect(issuesOf(validateSpec(spec({ priority: -1 })))[0]?.path).toBe('priority');
    expect(issuesOf(validateSpec(spec({ priority: 2.5 })))).toEqual([
      { path: 'priority', message: 'must be a whole number' },
    ]);
    expect(issuesOf(validateSpec(spec({ risk: 'extreme' })))[0]?.path).toBe('risk');
    expect(issuesOf(validateSpec(spec({ channel: 'payments releases' })))).toEqual([
      {
        path: 'channel',
        message: 'must be a Slack channel like #payments-releases or a channel ID',
      },
    ]);
    expect(validateSpec(spec({ channel: 'C0123ABCD' })).ok).toBe(true);
  });

  it('refuses missing required fields, each by name', () => {
    const { title: _title, team: _team, ...rest } = spec();
    expect(issuesOf(validateSpec(rest)).map((issue) => issue.path)).toEqual(['title', 'team']);
  });

  it('refuses input that is not an object', () => {
    for (const input of [null, 'checkout-v2', 42, [designExampleSpec]]) {
      const issues = issuesOf(validateSpec(input));
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toBe('');
    }
  });
});

describe('validateSpec: every problem at once', () => {
  it('reports all problems of one spec in one result, each with its path', () => {
    const isKnownSli = (_service: string, sli: string) => sli === 'error_rate';
    const result = validateSpec(
      {
        ...spec(),
        key: 'Checkout_V2',
        extra: true,
        requires: ['payments-api-v3'],
        excludes: ['payments-api-v3'],
        after: ['Checkout_V2'],
        stages: [
          { percent: 25, hold: '30m' },
          { percent: 5, hold: 'later' },
          { percent: 120, hold: '1h' },
        ],
        guardrails: [{ sli: 'latency_p99_ms', max: 900, window: 'a while', action: 'pause' }],
      },
      { isKnownSli },
    );
    const issues = issuesOf(result);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'key', message: KEY_MESSAGE },
        { path: 'after[0]', message: KEY_MESSAGE },
        { path: 'extra', message: 'is not a known field' },
        {
          path: 'stages[1].hold',
          message: 'is not a duration (use forms like 30s, 5m, 2h, 1h30m, 1d)',
        },
        { path: 'stages[1].percent', message: 'must be greater than stages[0].percent (25)' },
        { path: 'stages[2].percent', message: 'must be at most 100' },
        {
          path: 'guardrails[0].window',
          message: 'is not a duration (use forms like 30s, 5m, 2h, 1h30m, 1d)',
        },
        { path: 'guardrails[0].sli', message: 'unknown SLI "latency_p99_ms" for service checkout' },
        { path: 'after[0]', message: 'an experiment cannot run after itself' },
        {
          path: 'excludes[0]',
          message:
            '"payments-api-v3" is also in requires: an experiment cannot both require and exclude it',
        },
      ]),
    );
    expect(issues).toHaveLength(10);
    for (const issue of issues) expect(issue.message).not.toBe('');
  });

  it('never reports the same problem twice', () => {
    const issues = issuesOf(
      validateSpec(
        spec({
          stages: [
            { percent: 5, hold: 'x' },
            { percent: 5, hold: 'x' },
          ],
        }),
      ),
    );
    const ids = issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(3);
  });
});

describe('formatPath', () => {
  it('writes paths the way people do', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['stages', 1, 'percent'])).toBe('stages[1].percent');
    expect(formatPath([2, 'key'])).toBe('[2].key');
    expect(formatPath(['guardrails', 0])).toBe('guardrails[0]');
  });
});
