/**
 * Writes that change books: applying a fill to its book's position and cash, and transfers of shares (with
 * cost basis) or cash between books. Both go through the journal, so each is applied exactly once.
 */
import { applyFill as applyFillToBook, CASH_DP, D, str, UNALLOCATED } from '@ensemble/core';
import { LedgerInvariantError, LedgerNotFoundError } from '../errors.ts';
import type {
  ApplyResult,
  BookId,
  DayRangeOptions,
  Page,
  RecordResult,
  TradingDay,
  Transfer,
  TransferEndpoint,
} from '../types.ts';
import { applyEntry, type Effect } from './journal.ts';
import { getFill } from './orders.ts';
import { type Ctx, createOnce, dayBounds, guard, pageOf, sameOn } from './shared.ts';

export const applyFill = async (ctx: Ctx, fillId: string): Promise<ApplyResult> => {
  const fill = await getFill(ctx, fillId);
  if (!fill) throw new LedgerNotFoundError('fill', fillId);
  const notional = new D(fill.notional);
  const fee = new D(fill.fee);
  const buy = fill.side === 'buy';
  const effects: Effect[] = [
    {
      kind: 'position',
      bookId: fill.bookId,
      symbol: fill.symbol,
      // Core's book math decides the position (average cost; a sell removes its share of the cost basis,
      // rounded down to cents) and throws BookInvariantError on a sell larger than the position.
      apply: (s) => {
        const held = { symbol: fill.symbol, qty: str(s.qty), costBasis: str(s.costBasis) };
        const book = { bookId: fill.bookId, cash: '0', positions: s.qty.isZero() ? [] : [held] };
        const after = applyFillToBook(book, fill).book.positions.find((h) => h.symbol === fill.symbol);
        return { qty: new D(after?.qty ?? '0'), costBasis: new D(after?.costBasis ?? '0') };
      },
    },
    {
      kind: 'cash',
      bookId: fill.bookId,
      // As in core's applyFill: cash moves by the exact notional, fee always paid.
      apply: (cash) => (buy ? cash.minus(notional).minus(fee) : cash.plus(notional).minus(fee)),
    },
  ];
  const status = await applyEntry(ctx, `fill:${fillId}`, effects, fill.appliedAt !== undefined, () =>
    ctx.svc.entities.fill
      .patch({ fillId })
      .set({ appliedAt: ctx.now() })
      .where(({ appliedAt }, { notExists }) => notExists(appliedAt))
      .go({ originalErr: true }),
  );
  return { status };
};

/** Input of {@link applyTransfer}: shares of a symbol, or cash. */
export type ApplyTransferInput = {
  /** Deterministic id of the move (e.g. `<runId>:flip:<strategy>:<symbol>`); the move happens once per id. */
  transferId: string;
  day: TradingDay;
  from: TransferEndpoint;
  to: TransferEndpoint;
  reason: string;
  runId?: string;
} & (
  | {
      kind: 'position';
      symbol: string;
      qty: string;
      /** Cost basis moved with the shares. @default pro rata of the source position when first recorded, rounded down to cents */
      costBasis?: string;
    }
  | { kind: 'cash'; amount: string }
);

/** Result of {@link applyTransfer}. */
export type TransferResult =
  | { status: 'applied' | 'already-applied'; transfer: Transfer }
  | { status: 'conflict'; current: Transfer };

const resolveCostBasis = async (ctx: Ctx, from: BookId, symbol: string, qty: D): Promise<string> => {
  const { data } = await guard('readPosition', () =>
    ctx.svc.entities.position.get({ bookId: from, symbol }).go({ originalErr: true, consistent: true }),
  );
  const held = new D(data?.qty ?? '0');
  if (held.lessThan(qty)) {
    throw new LedgerInvariantError(`cannot move ${str(qty)} ${symbol} from ${from}: it holds ${str(held)}`);
  }
  const cost = new D(data?.costBasis ?? '0');
  return str(held.equals(qty) ? cost : cost.times(qty).div(held).toDecimalPlaces(CASH_DP, D.ROUND_DOWN));
};

const recordTransfer = async (ctx: Ctx, input: ApplyTransferInput): Promise<RecordResult<Transfer>> => {
  // Read first only when the record decides the amount (a position's default cost basis: once the shares
  // moved, the source no longer says it); otherwise the create-once write finds any earlier record itself.
  const existing =
    input.kind === 'position' && input.costBasis === undefined
      ? await getTransfer(ctx, input.transferId)
      : null;
  const { transferId, day, from, to, reason, runId, kind } = input;
  const base = { transferId, day, kind, from, to, reason, ...(runId === undefined ? {} : { runId }) };
  if (from === to) throw new LedgerInvariantError(`transfer ${transferId} moves from ${from} to itself`);
  let transfer: Transfer;
  if (input.kind === 'position') {
    if (from === UNALLOCATED || to === UNALLOCATED) {
      throw new LedgerInvariantError(`transfer ${transferId}: shares move only between books`);
    }
    const qty = new D(input.qty);
    const amount =
      input.costBasis !== undefined
        ? str(new D(input.costBasis))
        : (existing?.amount ?? (await resolveCostBasis(ctx, from, input.symbol, qty)));
    transfer = { ...base, symbol: input.symbol, qty: str(qty), amount, recordedAt: ctx.now() };
  } else {
    transfer = { ...base, amount: str(new D(input.amount)), recordedAt: ctx.now() };
  }
  const same = (e: Transfer) => sameOn(transfer, e, ['kind', 'from', 'to', 'symbol', 'qty', 'amount']);
  if (existing)
    return same(existing) ? { status: 'exists', item: existing } : { status: 'conflict', current: existing };
  return createOnce(
    'recordTransfer',
    transfer,
    () => ctx.svc.entities.transfer.create(transfer).go({ originalErr: true }),
    () => getTransfer(ctx, transferId),
    same,
  );
};

const transferEffects = (t: Transfer): Effect[] => {
  const amount = new D(t.amount);
  const effects: Effect[] = [];
  if (t.kind === 'position') {
    const qty = new D(t.qty ?? '0');
    const symbol = t.symbol ?? '';
    effects.push(
      {
        kind: 'position',
        bookId: t.from,
        symbol,
        apply: (s) => ({ qty: s.qty.minus(qty), costBasis: s.costBasis.minus(amount) }),
      },
      {
        kind: 'position',
        bookId: t.to,
        symbol,
        apply: (s) => ({ qty: s.qty.plus(qty), costBasis: s.costBasis.plus(amount) }),
      },
    );
  } else {
    if (t.from !== UNALLOCATED) effects.push({ kind: 'cash', bookId: t.from, apply: (c) => c.minus(amount) });
    if (t.to !== UNALLOCATED) effects.push({ kind: 'cash', bookId: t.to, apply: (c) => c.plus(amount) });
  }
  return effects;
};

export const applyTransfer = async (ctx: Ctx, input: ApplyTransferInput): Promise<TransferResult> => {
  const recorded = await recordTransfer(ctx, input);
  if (recorded.status === 'conflict') return recorded;
  const t = recorded.item;
  let marked: Transfer | undefined;
  const status = await applyEntry(
    ctx,
    `transfer:${t.transferId}`,
    transferEffects(t),
    t.appliedAt !== undefined,
    async () => {
      const { data } = await ctx.svc.entities.transfer
        .patch({ transferId: t.transferId })
        .set({ appliedAt: ctx.now() })
        .where(({ appliedAt }, { notExists }) => notExists(appliedAt))
        .go({ originalErr: true, response: 'all_new' });
      marked = data;
    },
  );
  // The transfer as stored: returned by the write that marked it, as read when it was already marked, or
  // read again when a concurrent applier marked it first.
  const transfer = marked ?? (t.appliedAt !== undefined ? t : await getTransfer(ctx, t.transferId));
  return { status, transfer: transfer ?? t };
};

export const getTransfer = (ctx: Ctx, transferId: string): Promise<Transfer | null> =>
  guard('getTransfer', async () => {
    const { data } = await ctx.svc.entities.transfer
      .get({ transferId })
      .go({ originalErr: true, consistent: true });
    return data ? data : null;
  });

export const listTransfers = (ctx: Ctx, options: DayRangeOptions = {}): Promise<Page<Transfer>> =>
  guard('listTransfers', async () => {
    const { from, toExclusive } = dayBounds(options);
    const { data, cursor } = await ctx.svc.entities.transfer.query
      .byDay({})
      .between({ day: from }, { day: toExclusive })
      .go(pageOf(options));
    return { data, cursor };
  });
