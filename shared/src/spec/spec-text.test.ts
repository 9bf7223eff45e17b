import { describe, expect, it } from 'vitest';
import { parseSpecText } from './spec-text';
import { validateSpec } from './spec-validation';

/** DESIGN §2's example, verbatim, comments included. */
const DESIGN_EXAMPLE_YAML = `key: checkout-v2              # ^[a-z0-9][a-z0-9-]{1,62}$, unique forever (keys are never reused)
title: New checkout flow
owner: alice@example.com      # who gets paged; linked to a Runway user and a Slack user when known
team: payments
channel: "#payments-releases" # optional Slack channel for pages and updates
hypothesis: Faster checkout raises conversion without hurting errors
service: checkout             # the service whose SLOs / error budget gate this experiment
layer: checkout-ui            # exposure inside one layer is exclusive: sum of exposures <= 100%
priority: 50                  # 0..100, higher goes first
risk: high                    # low | medium | high; high needs approval by someone other than the author
requires: [payments-api-v3]   # prerequisites: must be \`completed\` before this may start
excludes: [checkout-copy]     # mutual exclusion: never active at the same time (symmetric)
after: [cart-redesign]        # ordering only: starts after these have ended, however they ended
notBefore: 2026-12-01T09:00:00Z   # optional schedule window
notAfter: 2026-12-20T18:00:00Z
stages:                       # percent of the layer exposed to treatment; strictly increasing, last <= 100
  - { percent: 5,   hold: 30m }
  - { percent: 25,  hold: 2h, approve: true }   # approve: a person must approve this ramp
  - { percent: 100, hold: 1h }
guardrails:
  - { sli: error_rate,     max: 0.02,            window: 5m,  action: rollback }
  - { sli: latency_p95_ms, maxRelative: 0.10,    window: 10m, action: pause }
`;

const MINIMAL = {
  key: 'ab',
  title: 'T',
  owner: 'o',
  team: 't',
  service: 's',
  layer: 'l',
  stages: [{ percent: 100, hold: '1h' }],
};

function documentsOf(text: string, format?: 'json' | 'yaml' | 'auto'): unknown[] {
  const result = parseSpecText(text, format);
  if (!result.ok) throw new Error(`expected text to parse: ${JSON.stringify(result.issues)}`);
  return result.documents;
}

function issuesOf(text: string, format?: 'json' | 'yaml' | 'auto') {
  const result = parseSpecText(text, format);
  if (result.ok) throw new Error('expected text to be refused');
  return result.issues;
}

describe('parseSpecText: YAML', () => {
  it('reads the DESIGN §2 example, which then validates; times stay strings', () => {
    const [document, ...rest] = documentsOf(DESIGN_EXAMPLE_YAML);
    expect(rest).toEqual([]);
    expect(document).toMatchObject({
      key: 'checkout-v2',
      channel: '#payments-releases',
      notBefore: '2026-12-01T09:00:00Z',
    });
    const validation = validateSpec(document);
    expect(validation.ok).toBe(true);
    if (validation.ok)
      expect(validation.spec.stages[1]).toEqual({ percent: 25, hold: '2h', approve: true });
  });

  it('reads several documents separated by ---, in order, skipping empty ones', () => {
    const text = '---\nkey: first-one\n---\n# nothing here\n---\nkey: second-one\n...\n';
    expect(documentsOf(text)).toEqual([{ key: 'first-one' }, { key: 'second-one' }]);
  });

  it('reads JSON-looking text as YAML when asked for YAML (JSON is YAML)', () => {
    expect(documentsOf(JSON.stringify(MINIMAL), 'yaml')).toEqual([MINIMAL]);
  });

  it('reports a syntax error with its line', () => {
    const issues = issuesOf('key: checkout-v2\nstages: [\n  { percent: 5\n');
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue.path).toBe('');
      expect(issue.message).toMatch(/^invalid YAML at line 4: /);
    }
    expect(issuesOf('key: ab\ntitle: x\nteam: @bad\n')).toEqual([
      {
        path: '',
        message: expect.stringMatching(/^invalid YAML at line 3: .*reserved character @/),
      },
    ]);
  });

  it('refuses a key given twice in one document', () => {
    const issues = issuesOf('key: aa\ntitle: one\nkey: bb\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/^invalid YAML at line 3: .*unique/);
  });

  it('names the document that holds each error when there are several', () => {
    const issues = issuesOf(
      'key: good-one\n---\nkey: [broken\n---\nkey: also-good\n---\na: b: c\n',
    );
    expect(issues.map((issue) => issue.path)).toEqual(['document 2', 'document 4']);
    for (const issue of issues) expect(issue.message).toMatch(/^invalid YAML at line \d+: /);
  });

  it('refuses an empty file and a file with only comments or separators', () => {
    expect(issuesOf('')).toEqual([{ path: '', message: 'the file is empty' }]);
    expect(issuesOf('  \n\t\n')).toEqual([{ path: '', message: 'the file is empty' }]);
    expect(issuesOf('# just a comment\n---\n---\n')).toEqual([
      { path: '', message: 'the file holds no spec' },
    ]);
  });
});

describe('parseSpecText: JSON', () => {
  it('reads one JSON object as one document', () => {
    expect(documentsOf(JSON.stringify(MINIMAL))).toEqual([MINIMAL]);
    expect(documentsOf(`  \n${JSON.stringify(MINIMAL, null, 2)}\n`)).toEqual([MINIMAL]);
  });

  it('reads a JSON array as one document per element', () => {
    const second = { ...MINIMAL, key: 'cd' };
    expect(documentsOf(JSON.stringify([MINIMAL, second]))).toEqual([MINIMAL, second]);
  });

  it('reads JSON when asked for JSON', () => {
    expect(documentsOf(JSON.stringify(MINIMAL), 'json')).toEqual([MINIMAL]);
  });

  it('reports invalid JSON as such when asked for JSON', () => {
    const issues = issuesOf('{"key": "ab",', 'json');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/^invalid JSON: /);
    expect(issuesOf('key: ab\n', 'json')[0]?.message).toMatch(/^invalid JSON: /);
  });

  it('refuses JSON-looking text that is neither JSON nor YAML in auto mode', () => {
    // Auto mode falls back to YAML for text starting with { or [ (YAML flow style is legal there),
    // so only text that fails both is refused here; validateSpec catches the rest.
    expect(documentsOf('{ key: ab, title: flow-style }')).toEqual([
      { key: 'ab', title: 'flow-style' },
    ]);
    const issues = issuesOf('{"key": "ab", "title": "x"');
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue.message).not.toBe('');
  });

  it('parses what validateSpec then judges: a JSON spec with problems is read, then refused', () => {
    const [document] = documentsOf(
      JSON.stringify({
        ...MINIMAL,
        stages: [
          { percent: 50, hold: '1h' },
          { percent: 10, hold: '1h' },
        ],
      }),
    );
    const validation = validateSpec(document);
    expect(validation).toEqual({
      ok: false,
      issues: [
        { path: 'stages[1].percent', message: 'must be greater than stages[0].percent (50)' },
      ],
    });
  });
});
