/** Reconciliation of the local world: the books against the simulated account (whose deposits are known). */
import type { Broker } from '@ensemble/core';
import { receivableDividends, reconcile, unallocatedFromTransfers } from '@ensemble/execution';
import type { LedgerRepository } from '@ensemble/ledger';
import type { RunReport } from './report.ts';

export async function reconcileLocal(
  ledger: LedgerRepository,
  broker: Broker,
  startingCash: string,
  /** The day whose dividends not yet paid are expected in the books only. @default today */
  day: string = new Date().toISOString().slice(0, 10),
): Promise<RunReport['reconciliation']> {
  const unallocatedCash =
    broker.kind === 'sim' ? await unallocatedFromTransfers(ledger, startingCash) : undefined;
  const result = await reconcile({
    ledger,
    broker,
    ...(unallocatedCash === undefined ? {} : { unallocatedCash }),
    receivableCash: await receivableDividends(ledger, day),
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
