/**
 * Corporate actions on held symbols, as ledger transfers (never trades). The broker applies them to the
 * account's one position; the ledger must apply them to every book holding the symbol, or the books stop
 * reconciling (a split) and cash appears that no book owns (a dividend).
 *
 * - **Split** (`newRate` shares for every `oldRate`, e.g. 2-for-1 → 2 : 1, a 1-for-10 reverse split → 1 : 10):
 *   each holding book's quantity becomes `qty × newRate / oldRate`, rounded down to 9 decimals (whole shares
 *   for symbols traded in whole shares); the difference is issued by (or cancelled to) {@link EXTERNAL} with
 *   no cost basis, so each book keeps its cost basis and its value at the split-adjusted price.
 * - **Cash dividend** (`rate` USD per share): each book holding the symbol at the start of the ex-date (the
 *   holders of record, settlement being T+1) is paid `qty × rate`, rounded down to cents, from {@link EXTERNAL}
 *   (the cents left of the account's payment to the largest holder).
 *
 * A split can also be **inferred** when no announcement explains it: the broker's quantity is the books' total
 * times a round ratio, and the price moved by its inverse (`inferSplit`).
 */
import * as z from 'zod';
import { byString, CASH_DP, D, type D as Dec, DecimalString, dec, floorTo, QTY_DP, str } from '../decimal.ts';
import { TradingDay } from '../vocabulary.ts';
import { type CashTransfer, EXTERNAL, type PositionTransfer } from './transfers.ts';
import type { BookId } from './types.ts';

const PositiveDecimal = DecimalString.refine((s) => dec(s).gt(0), 'expected > 0');
const Ticker = z.string().regex(/^[A-Z0-9][A-Z0-9./-]{0,15}$/, 'expected an upper-case symbol');

/** A stock split (or reverse split) of `symbol`, effective at the open of `exDate`. */
export const Split = z.object({
  kind: z.literal('split'),
  symbol: Ticker,
  exDate: TradingDay,
  /** Shares after the split for every `oldRate` before it. */
  newRate: PositiveDecimal,
  oldRate: PositiveDecimal,
  /** `announcement` (the broker's corporate-action announcements) or `inferred` (quantity and price). */
  source: z.enum(['announcement', 'inferred']).default('announcement'),
});
export type Split = z.infer<typeof Split>;

/** A cash dividend of `rate` USD per share of `symbol`, to the holders at the start of `exDate`. */
export const CashDividend = z.object({
  kind: z.literal('dividend'),
  symbol: Ticker,
  exDate: TradingDay,
  /** The day the broker pays it (cash arrives then); the ex-date when absent. */
  payableDate: TradingDay.optional(),
  rate: PositiveDecimal,
});
export type CashDividend = z.infer<typeof CashDividend>;

/** A corporate action Ensemble applies to its books. */
export const CorporateAction = z.discriminatedUnion('kind', [Split, CashDividend]);
export type CorporateAction = z.infer<typeof CorporateAction>;
export type CorporateActionInput = z.input<typeof CorporateAction>;

/** The one id of an action (its transfer plan's id): `split:AAPL:2020-08-31`, `dividend:SPY:2025-09-19`. */
export const corporateActionId = (a: Pick<CorporateAction, 'kind' | 'symbol' | 'exDate'>): string =>
  `${a.kind}:${a.symbol}:${a.exDate}`;

/** The split's ratio: new shares per old share. */
export const splitRatio = (s: Pick<Split, 'newRate' | 'oldRate'>): Dec => dec(s.newRate).div(s.oldRate);

/** One book's holding of the action's symbol. */
export interface Holder {
  readonly bookId: BookId;
  readonly qty: DecimalString;
}

const holders = (list: readonly Holder[]): Holder[] =>
  list.filter((h) => dec(h.qty).gt(0)).sort((a, b) => byString(a.bookId, b.bookId));

/**
 * The transfers a split makes: per holding book (sorted), the new shares from {@link EXTERNAL} (a split) or
 * the cancelled ones to it (a reverse split), with no cost basis. `wholeShares`: the new quantity is rounded
 * down to an integer (the broker pays the fraction in cash, which the books do not model).
 */
export const splitTransfers = (
  split: Split,
  list: readonly Holder[],
  wholeShares = false,
): PositionTransfer[] => {
  const ratio = splitRatio(split);
  const out: PositionTransfer[] = [];
  for (const h of holders(list)) {
    const qty = dec(h.qty);
    const after = floorTo(qty.times(ratio), wholeShares ? 0 : QTY_DP);
    const delta = after.minus(qty);
    if (delta.isZero()) continue;
    const [from, to] = delta.gt(0) ? [EXTERNAL, h.bookId] : [h.bookId, EXTERNAL];
    out.push({ kind: 'position', from, to, symbol: split.symbol, qty: str(delta.abs()), costBasis: '0' });
  }
  return out;
};

/**
 * The cash a dividend pays each holding book (sorted), from {@link EXTERNAL}: `qty × rate` rounded down to
 * cents, the cents this leaves of what the account is paid (its total holding × rate, rounded down) going
 * to the largest holder, so the books' credits add up to the broker's payment.
 */
export const dividendTransfers = (dividend: CashDividend, list: readonly Holder[]): CashTransfer[] => {
  const held = holders(list);
  const amounts = held.map((h) => floorTo(dec(h.qty).times(dividend.rate), CASH_DP));
  const paid = floorTo(held.reduce((a, h) => a.plus(h.qty), new D(0)).times(dividend.rate), CASH_DP);
  const largest = held.reduce((k, h, i) => (dec(h.qty).gt(held[k]!.qty) ? i : k), 0);
  if (held.length > 0)
    amounts[largest] = amounts[largest]!.plus(paid.minus(amounts.reduce((a, b) => a.plus(b), new D(0))));
  return held.flatMap((h, i) =>
    amounts[i]!.gt(0)
      ? [{ kind: 'cash' as const, from: EXTERNAL, to: h.bookId, amount: str(amounts[i]!) }]
      : [],
  );
};

/** Ratios a split is recognized by: n-for-m with n, m ≤ 20 (2-for-1, 3-for-2, 1-for-10...). */
const MAX_TERM = 20;
/** How far the price move may be from the inverse of the ratio and still confirm it (the day's own move). */
const PRICE_TOLERANCE = new D('0.25');

/** Input of {@link inferSplit}. */
export interface InferSplitInput {
  readonly symbol: string;
  readonly day: string;
  /** The books' total quantity. */
  readonly ledgerQty: DecimalString;
  /** The broker's quantity. */
  readonly brokerQty: DecimalString;
  /** The symbol's price when the books last valued it (the previous run's close, as then quoted). */
  readonly previousPrice: DecimalString;
  /** Its price now. */
  readonly price: DecimalString;
}

/**
 * A split explaining why the broker holds a different quantity than the books, or null: the ratio must be a
 * round n-for-m (n, m ≤ 20, exact to 1e-6 of the quantity) and the price must have moved by about its
 * inverse (within 25 %, the most a session moves on its own). Anything else is a reconciliation difference for
 * a person, never guessed away.
 */
export const inferSplit = (input: InferSplitInput): Split | null => {
  const ledger = dec(input.ledgerQty);
  const broker = dec(input.brokerQty);
  if (ledger.lte(0) || broker.lte(0) || ledger.eq(broker)) return null;
  const observed = broker.div(ledger);
  let best: { n: number; m: number } | null = null;
  for (let m = 1; m <= MAX_TERM && !best; m++) {
    for (let n = 1; n <= MAX_TERM; n++) {
      if (n === m || gcd(n, m) !== 1) continue;
      if (observed.minus(new D(n).div(m)).abs().lte(observed.times('1e-6'))) {
        best = { n, m };
        break;
      }
    }
  }
  if (!best) return null;
  const priceMove = dec(input.previousPrice).div(input.price);
  const ratio = new D(best.n).div(best.m);
  if (priceMove.div(ratio).minus(1).abs().gt(PRICE_TOLERANCE)) return null;
  return Split.parse({
    kind: 'split',
    symbol: input.symbol,
    exDate: input.day,
    newRate: String(best.n),
    oldRate: String(best.m),
    source: 'inferred',
  });
};

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
