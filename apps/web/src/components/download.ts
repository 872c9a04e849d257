/** Saves text as a file through a temporary link. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
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
