/** How numbers read in a report, in text and in HTML: percentages, ratios, dollars; `—` for an undefined metric. */

/** The dash an undefined metric (null) reads as. */
export const NONE = '—';

/** A fraction as a percentage: `0.1234` → `12.34%`. */
export const pct = (x: number | null | undefined, dp = 2): string =>
  x === null || x === undefined ? NONE : `${(x * 100).toFixed(dp)}%`;

/** A signed percentage: `+12.34%`, `−3.10%`. */
export const signedPct = (x: number | null | undefined, dp = 2): string =>
  x === null || x === undefined ? NONE : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(dp)}%`;

/** A ratio with two decimals (a typographic minus, as in {@link signedPct}). */
export const ratio = (x: number | null | undefined): string =>
  x === null || x === undefined ? NONE : x < 0 ? `−${(-x).toFixed(2)}` : x.toFixed(2);

/** Dollars with cents and thousands separators, from a decimal string or a number. */
export const money = (x: string | number | null | undefined): string => {
  if (x === null || x === undefined) return NONE;
  const n = typeof x === 'number' ? x : Number(x);
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
};

/** `s` padded to `n` columns (left-aligned). */
export const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** `s` padded to `n` columns (right-aligned). */
export const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** Text made safe for HTML content and attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
