/**
 * The {@link PerformanceHistory} of the recorded days, read from the ledger: `ensemble report`, Finalize's
 * daily report and the backtest (from its memory ledger) build it here, and core's `buildReport` turns it
 * into the report.
 *
 * - Every book the ledger knows (its cash items list them all): its NAV records give its equity, and their
 *   flows in and out its flows; its fills the traded notional and fees; its orders the order count.
 * - A strategy is its own book plus its attributed share of the pool (core's `attributedSeries` over its
 *   recorded pool fractions), summed each session: per-book strategies are their book, pool members their
 *   share, and a strategy that flipped during the period is one continuous series (the flip's transfer is
 *   a flow out of one part and into the other).
 * - The account is the sum of every book, the pool included; its flows are the deposits (flows between books
 *   cancel out).
 * - With market data: the benchmark's closes, and each book's holdings at every recorded close (positions
 *   replayed from the fills and position transfers, valued at the session's close as the books are marked:
 *   at the broker's price precision) for the allocation charts.
 * - With the ledger's shadow scope: each strategy with a paper book, its paper series (its own paper book, or
 *   its share of the paper pool, read the same way) beside its production series.
 */
import {
  attributedSeries,
  type BarSeries,
  bookOf,
  D,
  type MarketData,
  type PerformanceHistory,
  POOL_BOOK,
  quotePrice,
  type Series,
  type ShadowHistory,
  type StrategyHistory,
  str,
  sumSeries,
  type TradingDay,
  type UnitHistory,
} from '@ensemble/core';
import {
  allPages,
  type BookLedger,
  type Fill,
  type OrderLedger,
  type PlanLedger,
  type Transfer,
  type TransferLedger,
} from '@ensemble/ledger';

/** The ledger reads the history needs. */
export type HistoryLedger = Pick<BookLedger, 'listCashBalances' | 'listNav'> &
  Pick<OrderLedger, 'listFillsOfBook' | 'listOrdersOfBook'> &
  Pick<PlanLedger, 'listPoolAttributionsOfStrategy'> &
  Pick<TransferLedger, 'listTransfers'>;

/** What the history is built from besides the ledger. */
export interface HistoryFromLedgerOptions {
  /** The account's starting cash and the configured strategies (id, flow, allocation). */
  readonly config: {
    readonly account: { readonly startingCash: string };
    readonly strategies: readonly {
      readonly id: string;
      readonly flow: StrategyHistory['flow'];
      readonly allocation: number;
      readonly enabled?: boolean;
      /** `shadow`: runs on paper only (docs/shadow.md). @default 'live' */
      readonly mode?: 'live' | 'shadow';
    }[];
  };
  /**
   * The ledger's shadow scope: each strategy with a paper book there is reported beside its production
   * series (`shadows`). @default none
   */
  readonly shadowLedger?: HistoryLedger;
  /** First day. @default the first recorded NAV */
  readonly from?: TradingDay;
  /** Last day. @default the last recorded NAV */
  readonly to?: TradingDay;
  /** Closes for the benchmark and the holdings' values. @default none: no benchmark, no holdings */
  readonly marketData?: MarketData;
  /** The benchmark's symbol (needs `marketData`). @default 'SPY' */
  readonly benchmark?: string | null;
  /** Replay positions for the allocation charts (needs `marketData`). @default true */
  readonly holdings?: boolean;
  /** What the history says its flow is (the backtest's `--flow`). @default {@link RECORDED_FLOW} */
  readonly flow?: string;
  /** How fills were priced, in words (the backtest's convention). @default the broker's recorded fills */
  readonly fills?: string;
}

/** What `flow` a recorded history says it is. */
export const RECORDED_FLOW = 'recorded';

/** The fill convention of recorded days. */
const RECORDED_FILLS = "the broker's fills as recorded in the ledger (fees included)";

type Holdings = UnitHistory['holdings'];
type Book = { readonly id: string; readonly unit: UnitHistory };

const byDay = <T>(items: readonly T[], dayOf: (t: T) => string, value: (t: T) => D): Series => {
  const totals = new Map<string, D>();
  for (const t of items) totals.set(dayOf(t), (totals.get(dayOf(t)) ?? new D(0)).plus(value(t)));
  return [...totals.keys()].sort().map((d) => [d, str(totals.get(d)!)] as const);
};

/** Closes by symbol and day. */
type Closes = ReadonlyMap<string, ReadonlyMap<string, number>>;

const closesOf = (bars: ReadonlyMap<string, BarSeries>): Closes =>
  new Map(
    [...bars].map(([symbol, s]) => [symbol, new Map(s.dates.map((d, i) => [d, s.closes[i]!] as const))]),
  );

/**
 * A book's positions at the close of each of `days`, replayed from all its fills and position transfers up
 * to the last day, valued at the day's closes (a symbol without a close that day is left out).
 */
const holdingsOf = (
  bookId: string,
  days: readonly string[],
  fills: readonly Fill[],
  transfers: readonly Transfer[],
  closes: Closes,
): Holdings => {
  const moves = [
    ...fills.map((f) => ({
      day: f.tradingDay,
      symbol: f.symbol,
      qty: f.side === 'buy' ? new D(f.qty) : new D(f.qty).neg(),
    })),
    ...transfers
      .filter((t) => t.kind === 'position' && t.symbol && (t.from === bookId || t.to === bookId))
      .map((t) => ({
        day: t.day,
        symbol: t.symbol!,
        qty: t.to === bookId ? new D(t.qty ?? 0) : new D(t.qty ?? 0).neg(),
      })),
  ].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const qty = new Map<string, D>();
  const out: [string, Record<string, string>][] = [];
  let k = 0;
  for (const day of days) {
    while (k < moves.length && moves[k]!.day <= day) {
      const m = moves[k++]!;
      qty.set(m.symbol, (qty.get(m.symbol) ?? new D(0)).plus(m.qty));
    }
    const values: Record<string, string> = {};
    for (const [symbol, q] of qty) {
      const close = closes.get(symbol)?.get(day);
      if (q.isZero() || close === undefined) continue;
      // Marked as the books are: the close at the broker's price precision.
      values[symbol] = q
        .times(quotePrice(new D(String(close))))
        .toDecimalPlaces(2)
        .toFixed();
    }
    out.push([day, values]);
  }
  return out;
};

/** Holdings summed by symbol and day (the account's, or a strategy's two parts). */
const sumHoldings = (parts: readonly Holdings[]): Holdings => {
  const days = new Map<string, Map<string, D>>();
  for (const h of parts)
    for (const [day, values] of h) {
      const m = days.get(day) ?? new Map<string, D>();
      for (const [s, v] of Object.entries(values)) m.set(s, (m.get(s) ?? new D(0)).plus(v));
      days.set(day, m);
    }
  return [...days.keys()]
    .sort()
    .map((d) => [d, Object.fromEntries([...days.get(d)!].map(([s, v]) => [s, str(v)]))] as const);
};

/** A share of holdings: each value × the day's fraction (fractions carried forward). */
const scaledHoldings = (h: Holdings, fractions: Series): Holdings => {
  let k = -1;
  const out: [string, Record<string, string>][] = [];
  for (const [day, values] of h) {
    while (k + 1 < fractions.length && fractions[k + 1]![0] <= day) k++;
    if (k < 0) continue;
    const f = new D(fractions[k]![1]);
    out.push([
      day,
      Object.fromEntries(Object.entries(values).map(([s, v]) => [s, str(f.times(v).toDecimalPlaces(2))])),
    ]);
  }
  return out;
};

/**
 * One book's unit: equity and flows from its NAV records, traded and fees from its fills, its orders. With
 * `everyFill`, the fills before the range too (replaying positions needs them all).
 */
const readBook = async (
  ledger: HistoryLedger,
  bookId: string,
  range: { from?: string; to?: string },
  everyFill: boolean,
): Promise<{ unit: UnitHistory; allFills: Fill[] }> => {
  const fillRange = everyFill ? (range.to ? { to: range.to } : {}) : range;
  const [navs, allFills, orders] = await Promise.all([
    allPages((o) => ledger.listNav(bookId, { ...o, ...range })),
    allPages((o) => ledger.listFillsOfBook(bookId, { ...o, ...fillRange })),
    allPages((o) => ledger.listOrdersOfBook(bookId, { ...o, ...range })),
  ]);
  const inRange = allFills.filter(
    (f) => (!range.from || f.tradingDay >= range.from) && (!range.to || f.tradingDay <= range.to),
  );
  return {
    allFills,
    unit: {
      id: bookId,
      equity: navs.map((n) => [n.day, n.nav] as const),
      flows: navs.map((n) => [n.day, str(new D(n.flowsIn).minus(n.flowsOut))] as const),
      traded: byDay(
        inRange,
        (f) => f.tradingDay,
        (f) => new D(f.notional).abs(),
      ),
      orders: orders.length,
      fees: str(inRange.reduce((a, f) => a.plus(f.fee), new D(0))),
      holdings: [],
    },
  };
};

/** The recorded history (see the module comment); null when the ledger has no NAV in the range. */
export const historyFromLedger = async (
  ledger: HistoryLedger,
  options: HistoryFromLedgerOptions,
): Promise<PerformanceHistory | null> => {
  const { shadowLedger, ...rest } = options;
  const history = await recordedHistory(ledger, rest);
  if (!history || !shadowLedger) return history;
  const shadows = await shadowHistories(shadowLedger, history, rest);
  return shadows.length > 0 ? { ...history, shadows } : history;
};

/**
 * The strategies with a paper book in the shadow scope, production beside paper: every configured strategy
 * (a promoted one keeps its paper history) whose paper series has a NAV in the range; the paper flow is the
 * one its paper history took (its own paper book, else a share of the paper pool).
 */
const shadowHistories = async (
  shadowLedger: HistoryLedger,
  production: PerformanceHistory,
  options: Omit<HistoryFromLedgerOptions, 'shadowLedger'>,
): Promise<ShadowHistory[]> => {
  const strategies = await Promise.all(
    options.config.strategies.map(async (s) => {
      const own = await shadowLedger.listNav(bookOf(s.id), { limit: 1 });
      return { ...s, flow: own.data.length > 0 ? ('per-book' as const) : ('aggregated' as const) };
    }),
  );
  const paper = await recordedHistory(shadowLedger, {
    ...options,
    config: { ...options.config, strategies },
    benchmark: null,
    holdings: false,
  });
  if (!paper) return [];
  return paper.strategies.map((p) => {
    const mode = options.config.strategies.find((s) => s.id === p.id)?.mode ?? 'live';
    return {
      id: p.id,
      mode,
      flow: p.flow,
      production: mode === 'live' ? (production.strategies.find((s) => s.id === p.id) ?? null) : null,
      paper: p,
    };
  });
};

/** The recorded history of one scope (see the module comment). */
const recordedHistory = async (
  ledger: HistoryLedger,
  options: Omit<HistoryFromLedgerOptions, 'shadowLedger'>,
): Promise<PerformanceHistory | null> => {
  const range = {
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
  };
  const cash = await allPages((o) => ledger.listCashBalances(o));
  const bookIds = [...new Set(cash.map((c) => c.bookId))].sort();
  const wantHoldings = options.marketData !== undefined && options.holdings !== false;
  const read = await Promise.all(bookIds.map((id) => readBook(ledger, id, range, wantHoldings)));
  const books: Book[] = read
    .map((r, i) => ({ id: bookIds[i]!, unit: r.unit }))
    .filter((b) => b.unit.equity.length > 0);
  if (books.length === 0) return null;
  const days = [...new Set(books.flatMap((b) => b.unit.equity.map(([d]) => d)))].sort();
  const from = days[0]!;
  const to = days.at(-1)!;

  const benchmarkSymbol = options.benchmark === undefined ? 'SPY' : options.benchmark;
  let closes: Closes = new Map();
  if (options.marketData) {
    const symbols = new Set<string>(benchmarkSymbol ? [benchmarkSymbol] : []);
    if (wantHoldings) for (const r of read) for (const f of r.allFills) symbols.add(f.symbol);
    const transfers = wantHoldings ? await allPages((o) => ledger.listTransfers({ ...o, to })) : [];
    for (const t of transfers) if (t.symbol) symbols.add(t.symbol);
    closes = closesOf(await options.marketData.loadBars({ symbols: [...symbols].sort(), from, to }));
    if (wantHoldings) {
      for (const [i, b] of books.entries()) {
        const fills = read.find((r) => r.unit.id === b.id)!.allFills;
        const bookDays = b.unit.equity.map(([d]) => d);
        books[i] = {
          id: b.id,
          unit: { ...b.unit, holdings: holdingsOf(b.id, bookDays, fills, transfers, closes) },
        };
      }
    }
  }

  const poolBook = books.find((b) => b.id === POOL_BOOK);
  const strategies: StrategyHistory[] = [];
  for (const s of options.config.strategies) {
    const own = books.find((b) => b.id === bookOf(s.id));
    const attributions = poolBook
      ? await allPages((o) =>
          ledger.listPoolAttributionsOfStrategy(s.id, { ...o, ...(options.to ? { to: options.to } : {}) }),
        )
      : [];
    const fractions: Series = attributions.map((a) => [a.tradingDay, a.fraction] as const);
    const share = poolBook && fractions.length > 0 ? attributedSeries(poolBook.unit, fractions) : null;
    if (!own && !share) continue;
    const parts = [
      ...(own ? [own.unit] : []),
      ...(share
        ? [{ ...share, holdings: poolBook ? scaledHoldings(poolBook.unit.holdings, fractions) : [] }]
        : []),
    ];
    strategies.push({
      id: s.id,
      flow: s.flow,
      allocation: String(s.allocation),
      equity: sumSeries(parts.map((p) => p.equity)),
      flows: sumSeries(parts.map((p) => p.flows ?? [])),
      traded: own?.unit.traded ?? [],
      orders: own?.unit.orders ?? 0,
      fees: own?.unit.fees ?? '0',
      holdings: sumHoldings(parts.map((p) => p.holdings)),
    });
  }

  const all = books.map((b) => b.unit);
  const account: UnitHistory = {
    id: 'account',
    equity: sumSeries(all.map((u) => u.equity)),
    flows: sumSeries(all.map((u) => u.flows ?? [])),
    traded: sumSeries(all.map((u) => u.traded)),
    orders: all.reduce((a, u) => a + u.orders, 0),
    fees: str(all.reduce((a, u) => a.plus(u.fees), new D(0))),
    holdings: sumHoldings(all.map((u) => u.holdings)),
  };
  const benchmarkCloses = benchmarkSymbol ? closes.get(benchmarkSymbol) : undefined;
  return {
    from,
    to,
    flow: options.flow ?? RECORDED_FLOW,
    startingCash: options.config.account.startingCash,
    account,
    strategies,
    pool: poolBook
      ? {
          ...poolBook.unit,
          id: 'pool',
          // The aggregated strategies with a share of the pool in the period (not a `mode: shadow` one).
          members: strategies.filter((s) => s.flow === 'aggregated').map((s) => s.id),
        }
      : null,
    benchmark:
      benchmarkSymbol && benchmarkCloses
        ? {
            symbol: benchmarkSymbol,
            closes: days.flatMap((d) => {
              const c = benchmarkCloses.get(d);
              return c === undefined ? [] : [[d, String(c)] as const];
            }),
          }
        : null,
    fills: options.fills ?? RECORDED_FILLS,
  };
};
