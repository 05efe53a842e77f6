/**
 * `ensemble liquidate <strategy> [--date DATE]`: wind down the book of a strategy that is not enabled any
 * more (an orphaned book: no run manages it). Every share it holds is sold through `executePlan` — exactly
 * once, under the rails (kill switch, limits, price checks), with client order ids of their own stage
 * (`ens_<day>_liquidate_s-<strategy>_…`), so running it again the same day adopts what it placed and sells
 * nothing twice — then the book's cash goes back to the account's unallocated cash (one ledger transfer per
 * day), where the capital policy can fund the enabled strategies with it.
 */
import { resolve } from 'node:path';
import { buildMarketSnapshot, loadedSnapshotOf } from '@ensemble/app';
import { bookOf, D, RailSettings, UNALLOCATED } from '@ensemble/core';
import { executePlan } from '@ensemble/execution';
import type { CliIO } from '../io.ts';
import { UsageError } from '../io.ts';
import { resolveHome } from '../local/home.ts';
import { commandContextOf, commandLine, nextLine } from '../local/next-step.ts';
import { reconcileLocal } from '../local/reconcile.ts';
import { commandSessionOptions, openSession } from '../local/session.ts';
import type { LocalBroker } from '../local/world.ts';
import { sessionDays } from './trade.ts';

export interface LiquidateOptions {
  readonly strategyId: string;
  readonly config: string;
  readonly json: boolean;
  /** `YYYY-MM-DD` (simulated broker; default its last bundled session), or today on Alpaca. */
  readonly date?: string;
  readonly home?: string;
  readonly broker?: LocalBroker;
}

/** The stage of a liquidation's client order ids (distinct from any run's, so ids never collide). */
export const LIQUIDATION_STAGE = 'liquidate';

export async function liquidateCommand(o: LiquidateOptions, io: CliIO): Promise<number> {
  const home = resolveHome(o.home, io.env, io.cwd);
  const ctx = commandContextOf(home, o);
  const session = await openSession(home, resolve(io.cwd, o.config), commandSessionOptions(o, io));
  try {
    for (const n of session.world.notices) io.err(`note: ${n}`);
    const entry = session.config.strategies.find((s) => s.id === o.strategyId);
    if (entry?.enabled)
      throw new UsageError(
        `${o.strategyId} is enabled: its runs manage its book. Set enabled: false for it first, then liquidate it`,
      );
    const [day] = await sessionDays(session, o.date, 1);
    if (!day) throw new UsageError('no session to liquidate on');
    await session.world.setDay(day);
    const app = session.app();
    const { ledger, broker, clock, marketData } = app.ports;
    const bookId = bookOf(o.strategyId);
    const book = await ledger.getBook(bookId);
    const held = book.positions.filter((p) => new D(p.qty).gt(0));
    if (held.length === 0 && new D(book.cash).isZero()) {
      io.out(`${o.strategyId}'s book holds nothing: nothing to liquidate`);
      return 0;
    }
    const rails = RailSettings.parse(session.config.rails);
    const snapshot = loadedSnapshotOf(
      await buildMarketSnapshot(
        marketData,
        held.map((p) => p.symbol),
        day,
        rails,
      ),
    );
    const result = await executePlan(
      {
        ledger,
        broker,
        clock: () => clock.now(),
        sleep: (ms) => clock.sleep(ms),
        rails: session.config.rails,
        leaseHolder: `${day}.${LIQUIDATION_STAGE}/${bookId}`,
      },
      {
        runId: `${day}.${LIQUIDATION_STAGE}`,
        tradingDay: day,
        stage: LIQUIDATION_STAGE,
        bookId,
        flow: 'per-book',
        strategyId: o.strategyId,
        asOf: day,
        lines: held.map((p) => ({
          symbol: p.symbol,
          side: 'sell' as const,
          qty: p.qty,
          reason: `liquidate the orphaned book of ${o.strategyId}`,
        })),
        prices: Object.fromEntries(
          Object.entries(snapshot.prices).map(([s, price]) => [s, { price, session: day }]),
        ),
      },
    );
    const after = await ledger.getBook(bookId);
    const soldOut = after.positions.every((p) => new D(p.qty).isZero());
    let returned: string | null = null;
    if (soldOut && new D(after.cash).gt(0)) {
      const moved = await ledger.applyTransfer({
        transferId: `${day}.${LIQUIDATION_STAGE}:cash:${o.strategyId}`,
        day,
        from: bookId,
        to: UNALLOCATED,
        kind: 'cash',
        amount: after.cash,
        reason: `the liquidated book of ${o.strategyId} returns its cash to the account`,
      });
      returned = moved.status === 'conflict' ? null : moved.transfer.amount;
    }
    const reconciliation = await reconcileLocal(ledger, broker, session.config.account.startingCash);
    const next = soldOut ? null : commandLine(ctx, io, 'liquidate', o.strategyId, '--date', day);
    if (o.json) {
      io.out(
        JSON.stringify({
          strategyId: o.strategyId,
          day,
          ...result,
          returned,
          reconciliation,
          ...(next ? { next } : {}),
        }),
      );
    } else {
      io.out(`Liquidation of ${o.strategyId} on ${day}: ${result.outcome} — ${result.reason}`);
      for (const x of result.orders)
        io.out(
          `  sell ${x.symbol.padEnd(6)} ${x.filledQty.padStart(14)} sh  $${x.filledNotional}  ${x.status}`,
        );
      for (const x of result.skipped) io.out(`  not sold: ${x.symbol} — ${x.reason}`);
      if (returned !== null) io.out(`  $${returned} returned to the account's unallocated cash`);
      io.out(
        reconciliation.ok
          ? 'Reconciliation: OK — the sum of the books equals the broker account'
          : `Reconciliation: ${reconciliation.differences.length} difference(s)`,
      );
      if (next) io.out(nextLine(next));
    }
    return soldOut && reconciliation.ok ? 0 : 1;
  } finally {
    await session.close();
  }
}
