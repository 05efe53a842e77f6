/**
 * The order of a filter's ranking: better score first (scores within {@link TIE_TOLERANCE} are ties),
 * then the tie key (ticker) ascending, then the candidate's position. Shared by the asset-mode hot path
 * and the ranking with details, so both keep the same candidates.
 */

/** A candidate ranked on the hot path: only what selection needs. */
export interface Scored {
  readonly index: number;
  readonly score: number;
  /** The candidate's result code. */
  readonly result: number;
  /** Tie-break key: the ticker, or for a portfolio candidate the first symbol it holds. */
  readonly tieKey: string;
}

/**
 * Scores this close are ties: mathematically equal scores computed along different paths (e.g. two
 * groups holding the same assets, whose curves started on different days) differ in the last bits, and
 * such noise must not decide a ranking. Ties then go to the tie-break rule.
 */
export const TIE_TOLERANCE = 1e-12;

/** Whether two scores are a tie (see {@link TIE_TOLERANCE}). */
export function sameScore(a: number, b: number): boolean {
  return Math.abs(a - b) <= TIE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** Order scored candidates best first (`top`: highest score first): by score, then tie key, then position. */
export function sortScored(top: boolean, scored: Scored[]): void {
  const sign = top ? -1 : 1;
  scored.sort(
    (a, b) =>
      (sameScore(a.score, b.score) ? 0 : sign * (a.score - b.score)) ||
      (a.tieKey < b.tieKey ? -1 : a.tieKey > b.tieKey ? 1 : a.index - b.index),
  );
}

/**
 * Whether asset candidate a (score sa) ranks before b (score sb): better score, else ticker, else
 * position. `symbols` are the candidates' tickers by position (all defined).
 */
export function better(
  top: boolean,
  symbols: readonly (string | undefined)[],
  a: number,
  b: number,
  sa: number,
  sb: number,
): boolean {
  if (!sameScore(sa, sb)) return top ? sa > sb : sa < sb;
  const ya = symbols[a]!;
  const yb = symbols[b]!;
  return ya < yb || (ya === yb && a < b);
}
