/**
 * Fill application through the ledger against core's pure `applyFills`, property-based (fast-check,
 * seeded): any sequence of fills, with duplicates delivered again later (as a broker or a retried task
 * would), leaves the book equal to core's fold over the de-duplicated sequence; one fill applied twice
 * has one effect. Run counts are kept modest: every run writes to a fresh table.
 */
import { applyFills, type BookState, applyFill as coreApplyFill, D } from '@ensemble/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordFillInput } from './repository/index.ts';
import { forEachServerLong, newTestLedger } from './testing/index.ts';

const BOOK = 'strategy#prop' as const;
const SYMBOLS = ['SPY', 'TLT', 'BRK'];
const START: BookState = { bookId: BOOK, cash: '100000', positions: [] };

/** One step: buy `units` × 1e-9 shares, or sell `fraction` ‰ of what is held (skipped if nothing is). */
const Step = fc.record({
  symbol: fc.constantFrom(...SYMBOLS),
  buy: fc.boolean(),
  units: fc.integer({ min: 1, max: 50_000_000_000 }),
  permille: fc.integer({ min: 1, max: 1000 }),
  cents: fc.integer({ min: 1, max: 100_000 }),
  feeCents: fc.integer({ min: 0, max: 150 }),
});

type StepValue = typeof Step extends fc.Arbitrary<infer T> ? T : never;

/** Turns steps into valid fills (sells never exceed the model's holding) with unique ids. */
const toFills = (steps: StepValue[]): RecordFillInput[] => {
  const held = new Map<string, D>();
  const fills: RecordFillInput[] = [];
  for (const [i, s] of steps.entries()) {
    const h = held.get(s.symbol) ?? new D(0);
    const qty = s.buy
      ? new D(s.units).div(1e9)
      : h.times(s.permille).div(1000).toDecimalPlaces(9, D.ROUND_DOWN);
    if (qty.lte(0)) continue;
    held.set(s.symbol, s.buy ? h.plus(qty) : h.minus(qty));
    fills.push({
      fillId: `f${i}`,
      clientOrderId: `o${i}`,
      runId: '2025-01-02.rebalance',
      tradingDay: '2025-01-02',
      bookId: BOOK,
      symbol: s.symbol,
      side: s.buy ? 'buy' : 'sell',
      qty: qty.toFixed(),
      price: new D(s.cents).div(100).toFixed(),
      fee: new D(s.feeCents).div(100).toFixed(),
      filledAt: '2025-01-02T15:00:00.000Z',
    });
  }
  return fills;
};

/** Fills delivered with duplicates: each index in `again` re-delivers that fill at the end, in that order. */
const Delivery = fc
  .array(Step, { minLength: 1, maxLength: 10 })
  .chain((steps) => {
    const fills = toFills(steps);
    return fc.record({
      fills: fc.constant(fills),
      again: fc.array(fc.nat({ max: Math.max(fills.length - 1, 0) }), { maxLength: 4 }),
      interleave: fc.boolean(),
    });
  })
  .filter((d) => d.fills.length > 0);

const core = (fill: RecordFillInput) => ({
  symbol: fill.symbol,
  side: fill.side,
  qty: fill.qty,
  price: fill.price,
  fee: fill.fee ?? '0',
});

forEachServerLong('ledger fill application (property)', (endpoint) => {
  describe('applyFill', () => {
    it('any delivery with duplicates leaves the book of core applyFills over the distinct fills', async () => {
      await fc.assert(
        fc.asyncProperty(Delivery, async ({ fills, again, interleave }) => {
          const { ledger } = await newTestLedger(endpoint());
          await ledger.applyTransfer({
            transferId: 'fund',
            day: '2025-01-02',
            kind: 'cash',
            from: 'unallocated',
            to: BOOK,
            amount: START.cash,
            reason: 'capital',
          });
          const extra = again.map((i) => fills[i]!);
          // Duplicates either all at the end or right after their original.
          const delivered = interleave
            ? fills.flatMap((f) => [f, ...extra.filter((e) => e.fillId === f.fillId)])
            : [...fills, ...extra];
          for (const f of delivered) {
            await ledger.recordFill(f);
            await ledger.applyFill(f.fillId);
          }
          const expected = applyFills(START, fills.map(core)).book;
          expect(await ledger.getBook(BOOK)).toEqual(expected);
        }),
        { seed: 20250102, numRuns: 10, endOnFailure: true },
      );
    });

    it('the same fill applied twice has one effect', async () => {
      await fc.assert(
        fc.asyncProperty(Step, fc.integer({ min: 2, max: 3 }), async (step, times) => {
          const { ledger } = await newTestLedger(endpoint());
          const [fill] = toFills([{ ...step, buy: true }]);
          for (let k = 0; k < times; k++) {
            await ledger.recordFill(fill!);
            await ledger.applyFill(fill!.fillId);
          }
          const expected = coreApplyFill({ ...START, cash: '0' }, core(fill!)).book;
          expect(await ledger.getBook(BOOK)).toEqual(expected);
          expect((await ledger.listFillsOfBook(BOOK)).data).toHaveLength(1);
        }),
        { seed: 7, numRuns: 6, endOnFailure: true },
      );
    });
  });
});
