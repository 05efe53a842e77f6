/**
 * The safety rails. Each check returns null (pass) or a {@link RailVerdict} naming itself; all fail closed:
 * a price that cannot be read blocks, a calendar that cannot be read skips, and broker or ledger failures
 * are thrown (never read as "open" or "no orders"). `executePlan` consults them only before placing a NEW
 * order: orders already at the broker are always followed to the end, whatever the rails say now.
 */
import { createHash } from 'node:crypto';
import {
  addDays,
  type Broker,
  BrokerUnavailableError,
  D,
  dec,
  newYorkDate,
  type RailName,
  type RailSettings,
  RateLimitedError,
  strQty,
  sum,
} from '@ensemble/core';
import {
  allPages,
  type BookLedger,
  type ControlLedger,
  type RunEquity,
  type RunLedger,
} from '@ensemble/ledger';
import type { AsOfPrice } from './types.ts';

/** A rail that stopped trading, and why. */
export interface RailVerdict {
  rail: RailName;
  reason: string;
}

const block = (rail: RailName, reason: string): RailVerdict => ({ rail, reason });

/** Kill switch: a ledger flag that stops every new order. */
export const checkKillSwitch = async (
  ledger: Pick<ControlLedger, 'getKillSwitch'>,
): Promise<RailVerdict | null> => {
  const k = await ledger.getKillSwitch();
  return k.enabled
    ? block('kill-switch', `kill switch on (${k.reason || 'no reason'}, by ${k.updatedBy || '?'})`)
    : null;
};

const isRetryable = (e: unknown) => e instanceof BrokerUnavailableError || e instanceof RateLimitedError;

/**
 * Market open: the broker's calendar must list a session on `tradingDay`, and its clock must say the
 * market is open now, on that day. An unreadable calendar skips (never "assume open"); a retryable broker
 * failure is thrown for the workflow to retry.
 */
export const checkMarketOpen = async (broker: Broker, tradingDay: string): Promise<RailVerdict | null> => {
  let sessions: Awaited<ReturnType<Broker['getCalendar']>>;
  try {
    sessions = await broker.getCalendar({ from: tradingDay, to: tradingDay });
  } catch (e) {
    if (isRetryable(e)) throw e;
    return block(
      'calendar-unknown',
      `the broker's calendar for ${tradingDay} is unreadable: ${(e as Error).message}`,
    );
  }
  if (!Array.isArray(sessions))
    return block('calendar-unknown', `the broker returned no calendar for ${tradingDay}`);
  const session = sessions.find((s) => s.date === tradingDay);
  if (!session) return block('market-closed', `no trading session on ${tradingDay}`);
  if (!/^\d{2}:\d{2}$/.test(session.open) || !/^\d{2}:\d{2}$/.test(session.close)) {
    return block('calendar-unknown', `session of ${tradingDay} has no valid hours`);
  }
  const clock = await broker.getClock();
  const at = new Date(clock.timestamp);
  if (Number.isNaN(at.getTime())) return block('calendar-unknown', `the broker's clock is unreadable`);
  const today = newYorkDate(at);
  if (today !== tradingDay) return block('market-closed', `the broker's date is ${today}, not ${tradingDay}`);
  if (!clock.isOpen)
    return block('market-closed', `market closed at ${clock.timestamp} (next open ${clock.nextOpen})`);
  return null;
};

/** The strictly positive price of `symbol`, or why it cannot be used. */
export const readPrice = (
  prices: Readonly<Record<string, AsOfPrice>>,
  symbol: string,
  asOf: string,
): { price: D } | { error: string } => {
  const p = Object.hasOwn(prices, symbol) ? prices[symbol] : undefined;
  if (!p) return { error: `${symbol}: no price` };
  let price: D;
  try {
    price = dec(p.price);
  } catch {
    return { error: `${symbol}: price ${JSON.stringify(p.price)} is not a decimal` };
  }
  if (!price.isFinite() || price.lte(0)) return { error: `${symbol}: price ${p.price} is not positive` };
  if (p.session < asOf)
    return { error: `${symbol}: price of ${p.session} is older than the as-of session ${asOf}` };
  return { price };
};

/** Prices: every traded symbol needs a positive price of the as-of session (or later). */
export const checkPrices = (
  symbols: readonly string[],
  prices: Readonly<Record<string, AsOfPrice>>,
  asOf: string,
): RailVerdict | null => {
  const errors = symbols.flatMap((s) => {
    const r = readPrice(prices, s, asOf);
    return 'error' in r ? [r.error] : [];
  });
  return errors.length > 0 ? block('price-invalid', errors.join('; ')) : null;
};

/** A line with its notional at the as-of price. */
export interface PricedLine {
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  qty: string;
  notional: D;
}

/**
 * Maximum order notional: every line's qty × price ≤ the per-order cap ({@link orderLimit}). With
 * `oversizedOrders: split` the lines were split into child orders within the cap before (see
 * `childQuantities`), so a line still over it here is one that cannot be split: a single share over the cap,
 * or more children than a client order id has legs.
 */
export const checkOrderNotional = (
  lines: readonly PricedLine[],
  cap: ScaledLimit,
  settings: RailSettings,
): RailVerdict | null => {
  const over = lines.filter((l) => l.notional.gt(cap.limit));
  if (over.length === 0) return null;
  const list = over.map((l) => `${l.side} ${l.qty} ${l.symbol} = ${strQty(l.notional)}`).join(', ');
  const why =
    settings.oversizedOrders === 'split'
      ? ` (cannot be split within the cap: one share costs more, or it needs more than ${MAX_CHILD_ORDERS} child orders)`
      : ' (oversizedOrders: block)';
  return block('max-order-notional', `over ${strQty(cap.limit)} (${cap.basis}) per order: ${list}${why}`);
};

/** Orders one (book, symbol, side) may have in a run: a client order id's leg is at most 99. */
export const MAX_CHILD_ORDERS = 99;

/**
 * The child quantities of a line of `qty` shares at `price` under a per-order cap: as few children as fit
 * (`⌈qty / most per child⌉`), as equal as the precision allows (whole shares for a whole-share line, else 9
 * decimals; the larger children first), each within the cap, summing to `qty` exactly. A line within the cap,
 * or one that cannot be split (a share over the cap; more than `maxChildren` children), is returned whole.
 * Pure and deterministic: a retry splits a recorded line into the same children, so their ids are the same.
 */
export const childQuantities = (qty: D, price: D, cap: D, maxChildren = MAX_CHILD_ORDERS): D[] => {
  if (qty.times(price).lte(cap)) return [qty];
  const dp = qty.isInteger() ? 0 : 9;
  const most = cap.div(price).toDecimalPlaces(dp, D.ROUND_DOWN);
  if (most.lte(0)) return [qty];
  const n = qty.div(most).ceil().toNumber();
  if (n > maxChildren) return [qty];
  const base = qty.div(n).toDecimalPlaces(dp, D.ROUND_DOWN);
  const unit = new D(1).div(new D(10).pow(dp));
  let extra = qty.minus(base.times(n)).div(unit).toNumber();
  return Array.from({ length: n }, () => (extra-- > 0 ? base.plus(unit) : base));
};

/** Whole cents, rounded up: a reservation never counts less than the plan. */
const centsUp = (d: D): number => d.times(100).ceil().toNumber();
/** A limit in whole cents, rounded down. */
const centsDown = (limit: string): number => dec(limit).times(100).floor().toNumber();
const dollars = (cents: number): string => strQty(new D(cents).div(100));

/** The key an execution reserves under: its run, its book and its plan's lines (a retry has the same key). */
export const reservationKey = (runId: string, bookId: string, lines: readonly PricedLine[]): string => {
  const digest = createHash('sha256');
  for (const l of lines) digest.update(`${l.clientOrderId} ${l.side} ${l.qty}\n`);
  return `${runId}/${bookId}/${digest.digest('hex').slice(0, 16)}`;
};

/** A notional limit in USD that scales with what it guards, and how it was derived (for the rail's message). */
export interface ScaledLimit {
  readonly limit: D;
  /** E.g. `2.5 × NAV 10000` or `cap 8000`. */
  readonly basis: string;
}

/** A daily notional limit (see {@link dailyLimit}). */
export type DailyLimit = ScaledLimit;

/**
 * The limit of something worth `value`: `multiple × value` (whole cents, rounded down), or the absolute `cap`
 * when that is lower. A value that cannot be positive (an empty book) allows nothing. Used for the day's
 * notional of a book or of the account.
 */
export const dailyLimit = (multiple: string, value: D, what: string, cap?: string): ScaledLimit => {
  const scaled = D.max(value, 0).times(multiple).toDecimalPlaces(2, D.ROUND_DOWN);
  if (cap !== undefined && dec(cap).lt(scaled)) return { limit: dec(cap), basis: `cap ${cap}` };
  return { limit: scaled, basis: `${multiple} × ${what} ${strQty(value.toDecimalPlaces(2))}` };
};

/**
 * The per-order cap of a book worth `nav` at the as-of prices: `maxOrderBookFraction × nav`, exactly (not
 * rounded to cents: under the default fraction 1, selling a whole book that holds no cash is worth exactly its
 * NAV, and is one order), or the absolute `maxOrderNotional` when that is set and lower.
 */
export const orderLimit = (settings: RailSettings, nav: D): ScaledLimit => {
  const fraction = settings.maxOrderBookFraction;
  const scaled = D.max(nav, 0).times(fraction);
  const cap = settings.maxOrderNotional;
  if (cap !== undefined && dec(cap).lt(scaled)) return { limit: dec(cap), basis: `cap ${cap}` };
  return { limit: scaled, basis: `${fraction} × NAV ${strQty(nav.toDecimalPlaces(2))}` };
};

/**
 * Daily notional per book and per account. The plan's notional (qty × as-of price, in cents rounded up) is
 * reserved against the book's and then the account's limit for the day (each a multiple of what it guards,
 * optionally capped: {@link dailyLimit}), each with one conditional update of one ledger item
 * (`reserveNotional`): a reservation that would pass a limit adds nothing and blocks the plan, and a re-run of
 * the same execution finds its reservation and is not counted twice. One read-and-write per scope, whatever
 * the number of books; concurrent books cannot overshoot together. Reservations are never released (an order
 * that fills for less, or a plan the account limit then blocks, still counts in its book): the limits err
 * towards blocking.
 */
export const checkDailyNotional = async (
  ledger: Pick<ControlLedger, 'reserveNotional'>,
  args: {
    tradingDay: string;
    runId: string;
    bookId: string;
    lines: readonly PricedLine[];
    limits: { book: DailyLimit; account: DailyLimit };
  },
): Promise<RailVerdict | null> => {
  const planned = args.lines.reduce((t, l) => t.plus(l.notional), new D(0));
  const cents = centsUp(planned);
  if (cents === 0) return null;
  const key = reservationKey(args.runId, args.bookId, args.lines);
  const reserve = (scope: string, limit: DailyLimit) =>
    ledger.reserveNotional({
      day: args.tradingDay,
      scope,
      key,
      cents,
      limitCents: centsDown(limit.limit.toFixed()),
    });
  const over = (l: DailyLimit) => `over ${strQty(l.limit)} (${l.basis})`;
  const book = await reserve(args.bookId, args.limits.book);
  if (book.status === 'over-limit') {
    return block(
      'max-daily-notional-book',
      `${args.bookId} has ${dollars(book.totalCents)} reserved today; this plan adds ${strQty(planned)}, ${over(args.limits.book)}`,
    );
  }
  const account = await reserve('account', args.limits.account);
  if (account.status === 'over-limit') {
    return block(
      'max-daily-notional-account',
      `the account has ${dollars(account.totalCents)} reserved today; this plan adds ${strQty(planned)}, ${over(args.limits.account)}`,
    );
  }
  return null;
};

/**
 * The books' value now and at the last NAV, as the equity breaker compares them: the ledger's `RunEquity`
 * (PrepareRun records it on the Run). `baselineDay`/`baseline`/`dropPct` are null when there is no NAV in
 * the lookback (breaker not armed); `dropPct` is the percentage fall (negative = rise).
 */
export type EquityComparison = RunEquity;

/** What the equity breaker reads: the runs of the lookback, their days' NAVs and every book's cash. */
export type EquityLedger = Pick<RunLedger, 'listRuns'> &
  Pick<BookLedger, 'listNavOfDay' | 'listCashBalances'>;

/**
 * The books' value now versus at the last NAV. Baseline: the sum of every book's NAV on the latest day
 * before `tradingDay` (within the lookback) that had a run and has NAV records. Now: the broker's positions value
 * (`equity − cash`) plus every book's ledger cash — the account's equity without the cash no book owns,
 * so funding moves between `unallocated` and the books do not read as gains or losses.
 */
export const compareEquity = async (
  ledger: EquityLedger,
  broker: Broker,
  tradingDay: string,
  lookbackDays: number,
): Promise<EquityComparison> => {
  let baselineDay: string | null = null;
  let baseline: D | null = null;
  // Days with a run in the window, latest first; the first of them with NAV records is the baseline.
  const runs = await allPages((o) =>
    ledger.listRuns({ ...o, from: addDays(tradingDay, -lookbackDays), to: addDays(tradingDay, -1) }),
  );
  const days = [...new Set(runs.map((r) => r.tradingDay))].sort().reverse();
  for (const day of days) {
    const navs = await allPages((o) => ledger.listNavOfDay(day, o));
    if (navs.length > 0) {
      baselineDay = day;
      baseline = sum(navs.map((n) => n.nav));
      break;
    }
  }
  const account = await broker.getAccount();
  const cash = await allPages((o) => ledger.listCashBalances(o));
  const current = dec(account.equity)
    .minus(account.cash)
    .plus(sum(cash.map((c) => c.cash)));
  const dropPct = baseline?.gt(0)
    ? baseline.minus(current).div(baseline).times(100).toDecimalPlaces(4)
    : null;
  return {
    baselineDay,
    baseline: baseline === null ? null : strQty(baseline),
    current: strQty(current),
    dropPct: dropPct === null ? null : strQty(dropPct),
  };
};

/** The equity breaker's verdict on a comparison: halt buys when the books fell more than the limit. */
export const equityVerdict = (c: EquityComparison, settings: RailSettings): RailVerdict | null => {
  if (c.dropPct === null || dec(c.dropPct).lte(settings.maxEquityDropPct)) return null;
  return block(
    'equity-drop',
    `books worth ${c.current} now vs ${c.baseline} on ${c.baselineDay}: down ${c.dropPct}% (limit ${settings.maxEquityDropPct}%); buys halted`,
  );
};

/**
 * Equity drop breaker: halt buys when the books lost more than the limit since the last NAV. `atRunStart`
 * is the comparison the run made once at its start (PrepareRun); without it, it is made now (it reads every
 * book's cash, so a workflow makes it once per run rather than once per book).
 */
export const checkEquityDrop = async (
  ledger: EquityLedger,
  broker: Broker,
  tradingDay: string,
  settings: RailSettings,
  atRunStart?: EquityComparison,
): Promise<RailVerdict | null> =>
  equityVerdict(
    atRunStart ?? (await compareEquity(ledger, broker, tradingDay, settings.equityLookbackDays)),
    settings,
  );
