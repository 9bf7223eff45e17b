import { readFileSync } from 'node:fs';
import type { ErrorIssue } from '../../../shared/src/errors';
import { parseSpecText } from '../../../shared/src/spec/spec-text';

export interface SpecFile {
  file: string;
  /** The documents in the file, in order (empty when it could not be read or parsed). */
  documents: unknown[];
  /** Problems reading or parsing the file. */
  issues: ErrorIssue[];
}

/** Reads a spec file: JSON or YAML, one or many documents (parseSpecText). */
export function readSpecFile(file: string): SpecFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a spec file'
          : (error as Error).message;
    return { file, documents: [], issues: [{ path: '', message: `cannot read: ${message}` }] };
  }
  const format = /\.json$/i.test(file) ? 'json' : /\.ya?ml$/i.test(file) ? 'yaml' : 'auto';
  const parsed = parseSpecText(text, format);
  return parsed.ok
    ? { file, documents: parsed.documents, issues: [] }
    : { file, documents: [], issues: parsed.issues };
}

/**
 * Issue paths for specs sent as one batch: the server prefixes them with `[i].` when there is
 * more than one spec. Splits such a path into the spec index and the rest.
 */
export function splitBatchPath(path: string, batchSize: number): { index: number; path: string } {
  if (batchSize <= 1) return { index: 0, path };
  const match = /^\[(\d+)\]\.?(.*)$/.exec(path);
  return match ? { index: Number(match[1]), path: match[2]! } : { index: -1, path };
}

/** Path prefix for document `index` of a file holding `count` documents: `[1].` or nothing. */
export function documentPrefix(index: number, count: number): string {
  return count > 1 ? `[${index}].` : '';
}

export function specKey(document: unknown): string | null {
  if (typeof document !== 'object' || document === null) return null;
  const key = (document as Record<string, unknown>).key;
  return typeof key === 'string' ? key : null;
}
