import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkPromqlTemplate,
  escapePromqlString,
  promqlDuration,
  renderPromql,
} from './promql-template';

const ERRORS =
  'sum(increase(http_requests_errors_total{experiment="{{experiment}}",variant="{{variant}}"}[{{range}}]))';

describe('checkPromqlTemplate', () => {
  it('accepts a template using the known placeholders', () => {
    expect(checkPromqlTemplate(ERRORS)).toBeNull();
    expect(checkPromqlTemplate('sum(up{experiment="{{experiment}}"})')).toBeNull();
  });

  it('names an unknown placeholder', () => {
    expect(checkPromqlTemplate('x{experiment="{{experiment}}",arm="{{arm}}"}')).toBe(
      'PromQL template has unknown placeholder {{arm}}; known: {{experiment}}, {{variant}}, {{range}}',
    );
    expect(checkPromqlTemplate('x{experiment="{{ experiment }}"}')).toContain(
      'unknown placeholder {{ experiment }}',
    );
    expect(checkPromqlTemplate('x{experiment="{{experiment}}"}[{{}}]')).toContain(
      'unknown placeholder {{}}',
    );
  });

  it('requires {{experiment}}', () => {
    expect(checkPromqlTemplate('sum(rate(x{variant="{{variant}}"}[{{range}}]))')).toBe(
      'PromQL template must select the experiment with {{experiment}}',
    );
    expect(checkPromqlTemplate('  ')).toBe('PromQL template is empty');
  });
});

/** PromQL's reading of the escapes `escapePromqlString` writes. */
function readPromqlLiteral(literal: string): string {
  const named: Record<string, string> = { n: '\n', r: '\r' };
  return literal.replace(/\\(.)/gs, (_whole, char: string) => named[char] ?? char);
}

describe('renderPromql', () => {
  it('fills in every placeholder, each occurrence', () => {
    const query = renderPromql(`${ERRORS} / ${ERRORS}`, {
      experiment: 'checkout-v2',
      variant: 'treatment',
      rangeMs: 753_200,
    });
    const one =
      'sum(increase(http_requests_errors_total{experiment="checkout-v2",variant="treatment"}[754s]))';
    expect(query).toBe(`${one} / ${one}`);
  });

  it('escapes values for a PromQL string literal', () => {
    const query = renderPromql('x{experiment="{{experiment}}"}', {
      experiment: 'a"b\\c\nd',
      variant: 'control',
      rangeMs: 1000,
    });
    expect(query).toBe('x{experiment="a\\"b\\\\c\\nd"}');
  });

  it('never lets a value close the string literal it sits in', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const escaped = escapePromqlString(value);
        // Every quote is preceded by an odd run of backslashes, i.e. escaped.
        for (let i = 0; i < escaped.length; i++) {
          if (escaped[i] !== '"') continue;
          let run = 0;
          while (i - 1 - run >= 0 && escaped[i - 1 - run] === '\\') run++;
          expect(run % 2).toBe(1);
        }
        expect(escaped).not.toMatch(/[\n\r]/);
        expect(readPromqlLiteral(escaped)).toBe(value);
      }),
    );
  });

  it('throws on a template the check rejects', () => {
    expect(() =>
      renderPromql('x{a="{{nope}}"}', { experiment: 'e1', variant: 'control', rangeMs: 1 }),
    ).toThrow('unknown placeholder {{nope}}');
  });
});

describe('promqlDuration', () => {
  it('rounds up to whole seconds, at least one', () => {
    expect(promqlDuration(0)).toBe('1s');
    expect(promqlDuration(-5000)).toBe('1s');
    expect(promqlDuration(1)).toBe('1s');
    expect(promqlDuration(1000)).toBe('1s');
    expect(promqlDuration(1001)).toBe('2s');
    expect(promqlDuration(3_600_000)).toBe('3600s');
    expect(() => promqlDuration(Number.NaN)).toThrow('finite');
  });
});
