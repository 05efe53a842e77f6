/**
 * Ledger writes per second for trading days of 20 books on dynalite in memory.
 * Run: `node --import tsx packages/ledger/bench/ledger-writes.ts`. Prints one JSON line.
 * Writes are counted at the DynamoDB client (Put/Update/Delete/BatchWrite), so the figure is what a day
 * costs in requests, including the journal's markers and prunes.
 */
import { createLedger, ensureTable, startEmbeddedDynamo } from '../src/index.ts';
import { countingClient, simulateDay } from '../src/testing/index.ts';

const DAYS = ['2025-01-02', '2025-01-03', '2025-01-06', '2025-01-07', '2025-01-08'];

const db = await startEmbeddedDynamo();
try {
  const counting = countingClient(db.endpoint);
  await ensureTable(counting.client, 'bench');
  const ledger = createLedger({ table: 'bench', client: counting.client });
  // Warm-up day (JIT, connections), not measured.
  await simulateDay(ledger, { day: '2024-12-31', strategies: 20 });
  const before = counting.writes();
  const t0 = performance.now();
  for (const day of DAYS) await simulateDay(ledger, { day, strategies: 20 });
  const seconds = (performance.now() - t0) / 1000;
  const writes = counting.writes() - before;
  counting.client.destroy();
  console.log(
    JSON.stringify({
      name: 'ledger writes/s (20 books, dynalite memory)',
      value: Math.round(writes / seconds),
    }),
  );
  console.error(`${writes} writes over ${DAYS.length} days in ${seconds.toFixed(2)} s`);
} finally {
  await db.stop();
}
