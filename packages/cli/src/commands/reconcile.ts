/**
 * `ensemble reconcile`: the sum of all books (and the pool) against the local broker account. It reaches a
 * home another process is using through that process's database, reading the simulated account without
 * changing it (an order of a run in flight may then show as a transient difference).
 */
import { resolve } from 'node:path';
import { allPages } from '@ensemble/ledger';
import type { CliIO } from '../io.ts';
import { describeHolder, resolveHome } from '../local/home.ts';
import { commandContextOf, commandLine, nextLine } from '../local/next-step.ts';
import { reconcileLocal } from '../local/reconcile.ts';
import { commandSessionOptions, openSession } from '../local/session.ts';
import type { LocalBroker } from '../local/world.ts';

export interface ReconcileOptions {
  readonly config: string;
  readonly json: boolean;
  readonly home?: string;
  /** @default the broker the home trades with */
  readonly broker?: LocalBroker;
}

export async function reconcileCommand(o: ReconcileOptions, io: CliIO): Promise<number> {
  const home = resolveHome(o.home, io.env, io.cwd);
  const session = await openSession(home, resolve(io.cwd, o.config), {
    ...commandSessionOptions(o, io),
    access: 'shared',
  });
  const ctx = commandContextOf(home, o);
  try {
    for (const n of session.world.notices) io.err(`note: ${n}`);
    const { ledger, broker, holder } = session.world;
    const result = await reconcileLocal(ledger, broker, session.config.account.startingCash);
    // The latest run, whose orders a difference most likely comes from.
    const runs = await allPages((p) => ledger.listRuns(p));
    const latest = [...runs].sort((a, b) => a.tradingDay.localeCompare(b.tradingDay)).at(-1);
    const next = result.ok
      ? null
      : holder
        ? `wait for ${describeHolder(holder)} to end, then: ${commandLine(ctx, io, 'reconcile')}`
        : latest
          ? commandLine(ctx, io, 'repair', latest.runId)
          : null;
    if (o.json) io.out(JSON.stringify({ ...result, ...(next ? { next } : {}) }));
    else {
      if (holder) io.out(`(the home is in use by ${describeHolder(holder)}: orders in flight may differ)`);
      if (result.ok) io.out('Reconciliation: OK — the sum of the books equals the broker account');
      else {
        io.out(`Reconciliation: ${result.differences.length} difference(s)`);
        for (const d of result.differences)
          io.out(`  ${d.symbol.padEnd(8)} ledger ${d.ledger}  broker ${d.broker}  diff ${d.diff}`);
        if (next) io.out(nextLine(next));
      }
    }
    return result.ok ? 0 : 1;
  } finally {
    await session.close();
  }
}
