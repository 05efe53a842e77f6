/** Reconciliation of the local world: the books against the simulated account (whose deposits are known). */
import type { Broker } from '@ensemble/core';
import { reconcile, unallocatedFromTransfers } from '@ensemble/execution';
import type { LedgerRepository } from '@ensemble/ledger';
import type { RunReport } from './report.ts';

export async function reconcileLocal(
  ledger: LedgerRepository,
  broker: Broker,
  startingCash: string,
): Promise<RunReport['reconciliation']> {
  const unallocatedCash =
    broker.kind === 'sim' ? await unallocatedFromTransfers(ledger, startingCash) : undefined;
  const result = await reconcile({
    ledger,
    broker,
    ...(unallocatedCash === undefined ? {} : { unallocatedCash }),
  });
  return {
    ok: result.ok,
    differences: result.differences.map((d) => ({
      symbol: d.symbol,
      ledger: d.ledger,
      broker: d.broker,
      diff: d.diff,
    })),
  };
}
