import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import { auditCsv, auditCsvFileName, csvCell, csvRecord } from './audit-csv';
import { parseCsv } from './testing/parse-csv';

function entry(overrides: Partial<AuditEntryView> = {}): AuditEntryView {
  return {
    seq: 7,
    at: Date.parse('2026-11-29T10:15:30.250Z'),
    actor: 'alice',
    action: 'experiment.pause',
    experimentKey: 'checkout-v2',
    fromState: 'running',
    toState: 'paused',
    reason: 'error spike',
    cause: null,
    details: {},
    hash: 'ab'.repeat(32),
    ...overrides,
  };
}

describe('csvCell', () => {
  it('leaves plain text and numbers as they are, and null empty', () => {
    expect(csvCell('checkout-v2')).toBe('checkout-v2');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell('')).toBe('');
  });

  it('quotes fields holding a comma, a quote, CR or LF, doubling the quotes (RFC 4180 §2.6-2.7)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('"')).toBe('""""');
    expect(csvCell('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvCell('line 1\r\nline 2')).toBe('"line 1\r\nline 2"');
    expect(csvCell('cr\ronly')).toBe('"cr\ronly"');
  });

  it('defuses text a spreadsheet would run as a formula with a leading single quote', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    expect(csvCell('\t=1+1')).toBe("'\t=1+1");
    expect(csvCell('=HYPERLINK("http://evil.example","open")')).toBe(
      `"'=HYPERLINK(""http://evil.example"",""open"")"`,
    );
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    // only at the start: inside text these are ordinary characters
    expect(csvCell('a=b, c+d')).toBe('"a=b, c+d"');
    expect(csvCell('rolled back: -5% conversion')).toBe('rolled back: -5% conversion');
    // numbers are Runway's own (seq), never a formula
    expect(csvCell(-1)).toBe('-1');
  });

  it('keeps Unicode as it is: accents, CJK, emoji, right-to-left text', () => {
    for (const text of ['Müller', '回滚', 'rollback 🚀', 'שלום', 'e\u0301'])
      expect(csvCell(text)).toBe(text);
    expect(csvCell('🚀,"x"')).toBe('"🚀,""x"""');
  });

  it('round-trips any text through an RFC 4180 reader, formula-like text with its quote', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const cell = fc.oneof(text, fc.constantFrom('=', '+', '-', '@', '"', ',', '\r\n', '\n'));
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 6 }), (values) => {
        const [parsed] = parseCsv(csvRecord(values));
        const expected = values.map((value) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value));
        expect(parsed).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('auditCsv', () => {
  it('writes a header and one CRLF-terminated record per entry, in the order given', () => {
    const csv = auditCsv([entry({ seq: 9 }), entry({ seq: 8, toState: null, fromState: null })]);
    expect(csv.split('\r\n')).toEqual([
      'seq,time,actor,action,experiment,from_state,to_state,reason,cause,details,hash',
      `9,2026-11-29T10:15:30.250Z,alice,experiment.pause,checkout-v2,running,paused,error spike,,,${'ab'.repeat(32)}`,
      `8,2026-11-29T10:15:30.250Z,alice,experiment.pause,checkout-v2,,,error spike,,,${'ab'.repeat(32)}`,
      '',
    ]);
  });

  it('keeps every field readable back, with details as JSON and the cause of a cascade', () => {
    const tricky = entry({
      actor: 'runway:guardrails',
      action: 'experiment.rollback',
      experimentKey: null,
      reason: '=cmd|" /C calc"!A0, then "quoted"\nand a second line — ünïcødé 🚀',
      cause: 'payments-api',
      details: { sli: 'error_rate', estimate: 0.031 },
    });
    const [header, record] = parseCsv(auditCsv([tricky])) as [string[], string[]];
    expect(Object.fromEntries(header.map((name, index) => [name, record[index]]))).toEqual({
      seq: '7',
      time: '2026-11-29T10:15:30.250Z',
      actor: 'runway:guardrails',
      action: 'experiment.rollback',
      experiment: '',
      from_state: 'running',
      to_state: 'paused',
      reason: `'=cmd|" /C calc"!A0, then "quoted"\nand a second line — ünïcødé 🚀`,
      cause: 'payments-api',
      details: '{"sli":"error_rate","estimate":0.031}',
      hash: 'ab'.repeat(32),
    });
  });

  it('is just the header for no entries', () => {
    expect(parseCsv(auditCsv([]))).toEqual([
      [
        'seq',
        'time',
        'actor',
        'action',
        'experiment',
        'from_state',
        'to_state',
        'reason',
        'cause',
        'details',
        'hash',
      ],
    ]);
  });
});

describe('auditCsvFileName', () => {
  it('names the file after the UTC date of the export', () => {
    expect(auditCsvFileName(Date.parse('2026-11-29T23:59:59Z'))).toBe(
      'runway-audit-2026-11-29.csv',
    );
    expect(auditCsvFileName(Date.parse('2026-11-30T00:00:00Z'))).toBe(
      'runway-audit-2026-11-30.csv',
    );
  });
});
