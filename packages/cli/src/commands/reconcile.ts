/** `ensemble reconcile`: the sum of all books (and the pool) against the local broker account. */
import { resolve } from 'node:path';
import type { CliIO } from '../io.ts';
import { resolveHome } from '../local/home.ts';
import { reconcileLocal } from '../local/reconcile.ts';
import { openSession } from '../local/session.ts';
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
    ...(o.broker ? { broker: o.broker } : {}),
    env: io.env,
  });
  try {
    const result = await reconcileLocal(
      session.world.ledger,
      session.world.broker,
      session.config.account.startingCash,
    );
    if (o.json) io.out(JSON.stringify(result));
    else if (result.ok) io.out('Reconciliation: OK — the sum of the books equals the broker account');
    else {
      io.out(`Reconciliation: ${result.differences.length} difference(s)`);
      for (const d of result.differences)
        io.out(`  ${d.symbol.padEnd(8)} ledger ${d.ledger}  broker ${d.broker}  diff ${d.diff}`);
    }
    return result.ok ? 0 : 1;
  } finally {
    await session.close();
  }
}
