import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The shell's small files in userData (settings, window state). */
export interface DesktopFiles {
  /** The file's text, or null when it does not exist or cannot be read. */
  read(path: string): string | null;
  /** Replaces the file whole; `secret` files are readable by their owner only. */
  write(path: string, text: string, options?: { secret?: boolean }): void;
}

export const nodeDesktopFiles: DesktopFiles = {
  read(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  write(path, text, options = {}) {
    mkdirSync(dirname(path), { recursive: true });
    // Write beside, then rename: a crash mid-write leaves the old file, never half a file.
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, text, { mode: options.secret ? 0o600 : 0o644 });
    renameSync(temporary, path);
  },
};
