/** Saves text (or a blob) as a file through a temporary link. */
export function download(name: string, content: string | Blob, type: string): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** `meshviz-<what>-<window>.<ext>`, with what reduced to lower-case words and dashes. */
export function fileName(what: string, window: string, ext: string): string {
  const slug = what
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `meshviz-${slug}-${window}.${ext}`;
}
