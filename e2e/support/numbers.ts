import { expect, type Locator } from '@playwright/test';

/**
 * Reads a number as the UI shows it (`12.3 rps`, `99.2%`, `140 ms`, `1.2 s`)
 * and the resolution it was shown at, so a test can check it against the
 * API's unrounded value without re-implementing the UI's formatting.
 */
export function readShown(text: string): { value: number | null; resolution: number } {
  const t = text.trim();
  if (t === '—' || t === '') return { value: null, resolution: 0 };
  const m = /^(-?\d+(?:\.(\d+))?)\s*(rps|%|ms|s|B\/s|kB\/s|MB\/s)?$/.exec(t);
  if (!m?.[1]) throw new Error(`not a number as the UI shows one: ${JSON.stringify(text)}`);
  const decimals = m[2]?.length ?? 0;
  const scale = { '%': 0.01, s: 1000, 'kB/s': 1000, 'MB/s': 1e6 }[m[3] ?? ''] ?? 1;
  return { value: Number(m[1]) * scale, resolution: 10 ** -decimals * scale };
}

/**
 * The cell shows `expected` (null: no traffic, a dash): equal within the
 * last shown digit (one step either way: rounding or truncation).
 */
export async function expectShows(cell: Locator, expected: number | null, what: string) {
  const shown = readShown(await cell.innerText());
  if (expected === null) {
    expect(shown.value, `${what}: no traffic shows a dash`).toBeNull();
    return;
  }
  expect(shown.value, `${what}: a number is shown`).not.toBeNull();
  expect(
    Math.abs((shown.value ?? 0) - expected),
    `${what}: shown ${await cell.innerText()} for ${expected}`,
  ).toBeLessThanOrEqual(shown.resolution * 1.0001);
}
