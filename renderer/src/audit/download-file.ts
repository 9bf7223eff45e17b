const REVOKE_AFTER_MS = 10_000;

/**
 * Saves text as a file through the browser's download (Electron shows its save dialog).
 * A UTF-8 byte-order mark goes first: without it Excel reads a CSV as the system code page and
 * garbles every non-ASCII name and reason.
 */
export function downloadText(fileName: string, parts: readonly string[], type: string): void {
  const blob = new Blob(['\uFEFF', ...parts], { type: `${type};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the blob only after click() returns (Firefox, large files): revoking at
  // once can cut the download short, so the URL is freed a little later.
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
