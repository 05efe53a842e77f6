/**
 * `executePlan`: one book's plan, exactly once. Sells first, each followed to a terminal state; then buys,
 * sized against the cash the sells actually released and recorded as intents all together before the
 * first is placed (so a re-run finds the same sizes); then each buy. Orders run one at a time, each under
 * its symbol's lease (see order-runner.ts). Re-running with the same input after a crash anywhere — or after
 * a complete run — places nothing twice and returns the same orders.
 */
import { bookTotals, D, dec, PriceInvalidError, RailSettings, strQty } from '@ensemble/core';
import type { BookLedger, Order } from '@ensemble/ledger';
import type * as z from 'zod';
import { clientOrderId } from './client-order-id.ts';
import { ExecutionInputInvalidError } from './errors.ts';
import { noFaults } from './faults.ts';
import { type OrderRun, type RunnerContext, runOrder } from './order-runner.ts';
import {
  checkDailyNotional,
  checkEquityDrop,
  checkKillSwitch,
  checkMarketOpen,
  checkOrderNotional,
  checkPrices,
  childQuantities,
  type DailyLimit,
  dailyLimit,
  orderLimit,
  type PricedLine,
  type RailVerdict,
  readPrice,
  type ScaledLimit,
} from './rails.ts';
import { type BuyLine, sizeBuys } from './sizing.ts';
import {
  type ExecuteDeps,
  type ExecutedOrder,
  type ExecuteInput,
  ExecuteInput as ExecuteInputSchema,
  type ExecuteResult,
  type ParsedExecuteInput,
  type SkippedOrder,
} from './types.ts';

/** A plan line with its deterministic id. */
export interface IdentifiedLine {
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  qty: string;
  reason: string;
  leg: number;
}

const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ExecutionInputInvalidError(
    `invalid ${what}`,
    r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
  );
};

/**
 * The rail settings parsed, once per settings object: the deps of every call carry the same (immutable)
 * settings object, parsed at most once; a new or foreign object is parsed (and refused if invalid) as ever.
 * A WeakMap by identity holds no state a warm Lambda would see differently from a cold one (a cold one parses).
 */
const parsedRails = new WeakMap<object, RailSettings>();
const railSettingsOf = (raw: ExecuteDeps['rails']): RailSettings => {
  if (typeof raw !== 'object' || raw === null) return parse(RailSettings, raw, 'rail settings');
  let settings = parsedRails.get(raw);
  if (!settings) parsedRails.set(raw, (settings = parse(RailSettings, raw, 'rail settings')));
  return settings;
};

/**
 * The plan's lines with their client order ids (leg = 1 + earlier orders of the same symbol and side). With
 * `settings.oversizedOrders: 'split'` and a per-order `cap` (rails' `orderLimit`), a line over the cap at its
 * as-of price becomes child orders within it (rails' `childQuantities`), each with the next leg: the split
 * depends only on the recorded line, the run's price and the cap (of the NAV recorded with the plan), so a
 * retry or redrive finds the same children under the same ids and adopts them.
 */
export const identifyLines = (
  input: ParsedExecuteInput,
  settings?: RailSettings,
  cap?: D,
): IdentifiedLine[] => {
  const legs = new Map<string, number>();
  return input.lines.flatMap((l, i) => {
    if (l.qty === undefined) {
      throw new ExecutionInputInvalidError(
        `line ${i} (${l.side} ${l.symbol}) has no share qty; only qty orders execute`,
      );
    }
    if (!dec(l.qty).gt(0))
      throw new ExecutionInputInvalidError(`line ${i} (${l.side} ${l.symbol}) has qty ${l.qty}`);
    const price = readPrice(input.prices, l.symbol, input.asOf);
    const children =
      settings?.oversizedOrders === 'split' && cap !== undefined && 'price' in price
        ? childQuantities(dec(l.qty), price.price, cap)
        : [dec(l.qty)];
    return children.map((qty, c) => {
      const key = `${l.symbol}/${l.side}`;
      const leg = (legs.get(key) ?? 0) + 1;
      legs.set(key, leg);
      const id = clientOrderId({
        tradingDay: input.tradingDay,
        stage: input.stage,
        bookId: input.bookId,
        symbol: l.symbol,
        side: l.side,
        leg,
      });
      const reason = children.length > 1 ? `${l.reason} (child ${c + 1} of ${children.length})` : l.reason;
      return { clientOrderId: id, symbol: l.symbol, side: l.side, qty: strQty(qty), reason, leg };
    });
  });
};

/** The book's NAV at the as-of prices, or why it cannot be valued (a held symbol without a price). */
const bookValue = async (
  ledger: Pick<BookLedger, 'getBook'>,
  input: ParsedExecuteInput,
): Promise<{ nav: D } | { error: string }> => {
  const book = await ledger.getBook(input.bookId);
  const prices = Object.fromEntries(Object.entries(input.prices).map(([s, p]) => [s, p.price]));
  try {
    return { nav: bookTotals(book, prices).nav };
  } catch (e) {
    if (e instanceof PriceInvalidError) return { error: e.message };
    throw e;
  }
};

/**
 * The per-order cap of this execution: a multiple of the book's NAV recorded with the plan (`bookNav`: the
 * same on every retry, whatever the book traded since), else of its NAV now, with the optional absolute cap.
 */
const orderCapOf = async (
  deps: ExecuteDeps,
  input: ParsedExecuteInput,
  settings: RailSettings,
): Promise<ScaledLimit | { error: string }> => {
  const nav = input.bookNav === undefined ? await bookValue(deps.ledger, input) : { nav: dec(input.bookNav) };
  return 'error' in nav ? nav : orderLimit(settings, nav.nav);
};

/** The day's limits of this execution: multiples of the book's NAV and of the books' value, capped. */
const dailyLimitsOf = async (
  deps: ExecuteDeps,
  input: ParsedExecuteInput,
  settings: RailSettings,
): Promise<{ book: DailyLimit; account: DailyLimit } | RailVerdict> => {
  const book = await bookValue(deps.ledger, input);
  if ('error' in book) {
    return {
      rail: 'price-invalid',
      reason: `cannot value ${input.bookId} for its daily limit: ${book.error}`,
    };
  }
  // The books' value the run started with (PrepareRun's equity comparison), else the account's equity now.
  const account = dec(deps.equityAtRunStart?.current ?? (await deps.broker.getAccount()).equity);
  return {
    book: dailyLimit(settings.maxDailyTurnoverPerBook, book.nav, 'NAV', settings.maxDailyNotionalPerBook),
    account: dailyLimit(
      settings.maxDailyTurnoverPerAccount,
      account,
      'the books',
      settings.maxDailyNotionalPerAccount,
    ),
  };
};

/** Plan-level rails, in order; the first that fails names itself. Kill switch is read on every call. */
const makeGate = (
  deps: ExecuteDeps,
  input: ParsedExecuteInput,
  lines: readonly IdentifiedLine[],
  settings: RailSettings,
  cap: ScaledLimit | { error: string },
): (() => Promise<RailVerdict | null>) => {
  let plan: Promise<RailVerdict | null> | undefined;
  const planLevel = async (): Promise<RailVerdict | null> => {
    const market = await checkMarketOpen(deps.broker, input.tradingDay);
    if (market) return market;
    const prices = checkPrices([...new Set(lines.map((l) => l.symbol))], input.prices, input.asOf);
    if (prices) return prices;
    const priced: PricedLine[] = lines.map((l) => {
      const p = readPrice(input.prices, l.symbol, input.asOf);
      if ('error' in p) throw new Error(`unreachable: ${p.error}`);
      return { ...l, notional: dec(l.qty).times(p.price) };
    });
    if ('error' in cap) {
      return {
        rail: 'price-invalid',
        reason: `cannot value ${input.bookId} for its per-order cap: ${cap.error}`,
      };
    }
    const order = checkOrderNotional(priced, cap, settings);
    if (order) return order;
    const limits = await dailyLimitsOf(deps, input, settings);
    if ('rail' in limits) return limits;
    return checkDailyNotional(deps.ledger, {
      tradingDay: input.tradingDay,
      runId: input.runId,
      bookId: input.bookId,
      lines: priced,
      limits,
    });
  };
  return async () => {
    if (deps.halt) return deps.halt;
    const kill = await checkKillSwitch(deps.ledger);
    if (kill) return kill;
    plan ??= planLevel();
    try {
      return await plan;
    } catch (e) {
      plan = undefined;
      throw e;
    }
  };
};

/** What the book holds of `symbol` now (one position read: a plan's sells never read the whole book each). */
const heldQty = async (
  ledger: Pick<BookLedger, 'getPosition'>,
  bookId: ParsedExecuteInput['bookId'],
  symbol: string,
) => dec((await ledger.getPosition(bookId, symbol))?.qty ?? '0');

/** True once any buy of the plan reached the broker: then the recorded intents are the sizing. */
const buysStarted = async (ctx: RunnerContext, buys: readonly IdentifiedLine[]): Promise<boolean> => {
  for (const b of buys) {
    const o = await ctx.ledger.getOrder(b.clientOrderId);
    if (o && o.status !== 'INTENT') return true;
    if (await ctx.broker.getOrderByClientId(b.clientOrderId)) return true;
  }
  return false;
};

/** Execute one book's plan; see the module comment. Throws retryable errors for the workflow to retry. */
export const executePlan = async (deps: ExecuteDeps, rawInput: ExecuteInput): Promise<ExecuteResult> => {
  const input = parse(ExecuteInputSchema, rawInput, 'execute input');
  const settings = railSettingsOf(deps.rails);
  if (input.lines.length === 0)
    return { outcome: 'ALL_HOLD', reason: 'the plan holds', orders: [], skipped: [] };
  const cap = await orderCapOf(deps, input, settings);
  const lines = identifyLines(input, settings, 'limit' in cap ? cap.limit : undefined);

  const gate = makeGate(deps, input, lines, settings, cap);
  const ctx: RunnerContext = {
    ledger: deps.ledger,
    broker: deps.broker,
    clock: deps.clock,
    sleep: deps.sleep,
    fault: deps.fault ?? noFaults,
    runId: input.runId,
    tradingDay: input.tradingDay,
    bookId: input.bookId,
    holder: deps.leaseHolder ?? `${input.runId}/${input.bookId}`,
    settings,
    pollIntervalMs: deps.pollIntervalMs ?? 1000,
    deadlineMs: deps.deadlineMs ?? 60_000,
    gate,
  };
  const orders: ExecutedOrder[] = [];
  const skipped: SkippedOrder[] = [];
  let rail: RailVerdict | undefined;
  const take = (line: IdentifiedLine, run: OrderRun) => {
    if (run.kind === 'order') {
      orders.push(run.order);
      rail ??= run.blocked;
    } else if (run.kind === 'blocked') {
      rail ??= run.blocked;
      skipped.push({
        symbol: line.symbol,
        side: line.side,
        qty: line.qty,
        reason: `${run.blocked.rail}: ${run.blocked.reason}`,
      });
    } else {
      skipped.push({ symbol: line.symbol, side: line.side, qty: line.qty, reason: run.reason });
    }
  };

  // Sells, each to a terminal state. A sell never exceeds what the book holds when its intent is recorded.
  const sells = lines.filter((l) => l.side === 'sell');
  for (const [i, s] of sells.entries()) {
    if (i > 0) ctx.fault.at('mid-sells', {});
    const run = await runOrder(ctx, {
      ...s,
      qty: async () => {
        const held = await heldQty(deps.ledger, input.bookId, s.symbol);
        const qty = D.min(dec(s.qty), held);
        return qty.gt(0) ? { qty: strQty(qty) } : { skip: `the book holds no ${s.symbol}` };
      },
    });
    take(s, run);
  }
  if (deps.sellsOnly) return outcomeOf(orders, skipped, rail);

  // Buys: sized once against the book's cash after the sells, intents recorded before the first is placed.
  const buys = lines.filter((l) => l.side === 'buy');
  const dropped = new Map<string, string>();
  /** Intents recorded by this call, of buys no earlier attempt placed (see OrderSpec.fresh). */
  const fresh = new Map<string, Order>();
  let buyBlock: RailVerdict | null = null;
  if (buys.length > 0 && !(await buysStarted(ctx, buys))) {
    buyBlock =
      (await gate()) ??
      (await checkEquityDrop(deps.ledger, ctx.broker, input.tradingDay, settings, deps.equityAtRunStart));
    if (!buyBlock) {
      const book = await deps.ledger.getBook(input.bookId);
      const assets = await ctx.broker.getAssets([...new Set(buys.map((b) => b.symbol))]);
      const priced: BuyLine[] = buys.map((b) => {
        const p = readPrice(input.prices, b.symbol, input.asOf);
        if ('error' in p) throw new Error(`unreachable: ${p.error}`);
        return { ...b, price: p.price };
      });
      const sized = sizeBuys(priced, book.cash, settings.buyCashBufferBps, assets);
      for (const d of sized.dropped) dropped.set(d.line.clientOrderId, d.reason);
      for (const b of sized.buys) {
        ctx.fault.at('before-intent', { clientOrderId: b.clientOrderId });
        const r = await ctx.ledger.recordOrderIntent({
          clientOrderId: b.clientOrderId,
          runId: input.runId,
          tradingDay: input.tradingDay,
          bookId: input.bookId,
          symbol: b.symbol,
          side: 'buy',
          requestedQty: b.qty,
          reason: b.reason,
        });
        const intent = r.status === 'conflict' ? r.current : r.item;
        if (intent.status === 'INTENT') fresh.set(b.clientOrderId, intent);
        ctx.fault.at('after-intent', { clientOrderId: b.clientOrderId });
      }
      ctx.fault.at('after-sizing', {});
    }
  }
  for (const [i, b] of buys.entries()) {
    if (i > 0) ctx.fault.at('mid-buys', {});
    if (buyBlock) {
      take(b, { kind: 'blocked', blocked: buyBlock });
      continue;
    }
    const intent = fresh.get(b.clientOrderId);
    const run = await runOrder(ctx, {
      ...b,
      ...(intent ? { fresh: intent } : {}),
      qty: async () => ({
        skip: dropped.get(b.clientOrderId) ?? 'not sized: not enough cash after the sells',
      }),
    });
    take(b, run);
  }
  return outcomeOf(orders, skipped, rail);
};

const TERMINAL_NO_FILL = new Set(['CANCELED', 'REJECTED', 'EXPIRED']);

/** The one outcome of an execution. */
export const outcomeOf = (
  orders: ExecutedOrder[],
  skipped: SkippedOrder[],
  rail: RailVerdict | undefined,
): ExecuteResult => {
  const filled = orders.filter((o) => dec(o.filledQty).gt(0));
  const traded = `${filled.length} of ${orders.length} orders filled`;
  if (rail) {
    const closed = rail.rail === 'market-closed' || rail.rail === 'calendar-unknown';
    return {
      outcome: closed && filled.length === 0 ? 'SKIPPED' : 'BLOCKED',
      rail: rail.rail,
      reason: `${rail.rail}: ${rail.reason}${orders.length > 0 ? ` (${traded})` : ''}`,
      orders,
      skipped,
    };
  }
  if (filled.length > 0) return { outcome: 'TRADED', reason: traded, orders, skipped };
  if (orders.length === 0) {
    return {
      outcome: 'ALL_HOLD',
      reason: `nothing to trade: ${skipped.map((s) => s.reason).join('; ')}`,
      orders,
      skipped,
    };
  }
  const why = orders
    .filter((o) => TERMINAL_NO_FILL.has(o.status))
    .map((o) => `${o.side} ${o.symbol} ${o.status}${o.reason ? ` (${o.reason})` : ''}`);
  return { outcome: 'FAILED', reason: `no order filled: ${why.join('; ')}`, orders, skipped };
};
