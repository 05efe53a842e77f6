/**
 * `ensemble repair <run id | day>`: bring the ledger up to what the broker did under a run's client order
 * ids — every order the broker has under one of the run's deterministic ids is adopted (when the ledger
 * lacks it) and its fills booked, exactly once, by the adoption an execution uses (`recoverRunOrders`).
 * Needs no execution log: it is the way back when `runs/<day>.json` is lost, or when the books differ from
 * the broker after a crash. It places and cancels nothing; trading the rest of the day is `redrive`.
 */
import { resolve } from 'node:path';
import { type RecoveredOrder, recoverRunOrders } from '@ensemble/execution';
import type { CliIO } from '../io.ts';
import { resolveHome } from '../local/home.ts';
import { commandContextOf, commandLine, nextLine } from '../local/next-step.ts';
import { reconcileLocal } from '../local/reconcile.ts';
import { commandSessionOptions, openSession } from '../local/session.ts';
import type { LocalBroker } from '../local/world.ts';
import { runIdFromArgument } from './redrive.ts';

export interface RepairOptions {
  /** A run id (`2025-11-28.local`) or a trading day (`2025-11-28`). */
  readonly runId: string;
  readonly config: string;
  readonly json: boolean;
  readonly home?: string;
  /** @default the broker the home trades with */
  readonly broker?: LocalBroker;
}

const pad = (s: string, n: number) => s.padEnd(n);

export async function repairCommand(o: RepairOptions, io: CliIO): Promise<number> {
  const home = resolveHome(o.home, io.env, io.cwd);
  const runId = runIdFromArgument(o.runId);
  const ctx = commandContextOf(home, o);
  const session = await openSession(home, resolve(io.cwd, o.config), commandSessionOptions(o, io));
  try {
    for (const n of session.world.notices) io.err(`note: ${n}`);
    const { ledger, broker } = session.world;
    const run = await ledger.getRun(runId);
    if (!run) {
      io.err(
        `ensemble: no run ${runId} in ${home.root}: nothing was recorded, so nothing can be at the broker`,
      );
      return 1;
    }
    const recovered = await recoverRunOrders(
      { ledger, broker },
      { runId, tradingDay: run.tradingDay, stage: run.stage },
    );
    const reconciliation = await reconcileLocal(ledger, broker, session.config.account.startingCash);
    const changed = recovered.filter((r) => r.action === 'adopted' || r.action === 'synced');
    const next = !reconciliation.ok
      ? null
      : run.status === 'SUCCEEDED'
        ? null
        : commandLine(ctx, io, 'redrive', runId);
    if (o.json) {
      io.out(
        JSON.stringify({
          runId,
          status: run.status,
          orders: recovered,
          reconciliation,
          ...(next ? { next } : {}),
        }),
      );
    } else {
      io.out(
        `Repair of run ${runId} (${run.status}): ${recovered.length} order id(s) of the run looked up at the broker`,
      );
      for (const r of recovered) io.out(`  ${line(r)}`);
      io.out(
        changed.length === 0
          ? 'Nothing to book: the ledger already had everything the broker did under these ids'
          : `Booked ${changed.length} order(s) from the broker`,
      );
      if (reconciliation.ok) io.out('Reconciliation: OK — the sum of the books equals the broker account');
      else {
        io.out(`Reconciliation: ${reconciliation.differences.length} difference(s) remain`);
        for (const d of reconciliation.differences)
          io.out(`  ${pad(d.symbol, 8)} ledger ${d.ledger}  broker ${d.broker}  diff ${d.diff}`);
        io.out(
          'These are not the run\'s orders: an order placed outside Ensemble, a fee or a dividend (docs/execution.md, "Reconciliation").',
        );
      }
      if (next) io.out(nextLine(next));
    }
    return reconciliation.ok ? 0 : 1;
  } finally {
    await session.close();
  }
}

const line = (r: RecoveredOrder): string => {
  const what = {
    adopted: `adopted from the broker, ${r.bookedQty} sh booked`,
    synced: `caught up with the broker, ${r.bookedQty} sh booked`,
    unchanged: 'already booked',
    'not-at-broker': 'never reached the broker',
  }[r.action];
  return `${pad(r.side, 4)} ${pad(r.symbol, 6)} ${pad(r.status ?? '—', 16)} ${what}  (${r.clientOrderId})`;
};
