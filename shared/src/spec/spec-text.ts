import { parseAllDocuments } from 'yaml';
import type { ErrorIssue } from '../errors';

export type SpecTextParse =
  { ok: true; documents: unknown[] } | { ok: false; issues: ErrorIssue[] };

/**
 * Reads spec text: JSON (an object or an array of objects) or YAML (one or more documents
 * separated by `---`). Syntax errors are reported with their line.
 */
export function parseSpecText(
  text: string,
  format: 'json' | 'yaml' | 'auto' = 'auto',
): SpecTextParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, issues: [{ path: '', message: 'the file is empty' }] };
  const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[');
  if (format === 'json' || (format === 'auto' && looksJson)) {
    try {
      const value: unknown = JSON.parse(trimmed);
      return { ok: true, documents: Array.isArray(value) ? value : [value] };
    } catch (error) {
      if (format === 'json') {
        return {
          ok: false,
          issues: [{ path: '', message: `invalid JSON: ${(error as Error).message}` }],
        };
      }
    }
  }
  const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(documents) ? documents : [documents];
  const issues: ErrorIssue[] = [];
  const values: unknown[] = [];
  list.forEach((document, index) => {
    for (const error of document.errors) {
      const line = error.linePos?.[0]?.line;
      issues.push({
        path: list.length > 1 ? `document ${index + 1}` : '',
        message: `invalid YAML${line ? ` at line ${line}` : ''}: ${error.message.split('\n')[0]}`,
      });
    }
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) values.push(value);
  });
  if (issues.length > 0) return { ok: false, issues };
  if (values.length === 0)
    return { ok: false, issues: [{ path: '', message: 'the file holds no spec' }] };
  return { ok: true, documents: values };
}
