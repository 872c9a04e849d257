/**
 * The path the app is served under, from the `<base href>` the API injects
 * (`/` when absent, e.g. under the Vite dev server).
 */
export function basePath(): string {
  const base = document.querySelector('base')?.getAttribute('href') ?? '/';
  return base.endsWith('/') ? base.slice(0, -1) : base;
}

export function apiUrl(path: string): string {
  return `${basePath()}${path}`;
}
