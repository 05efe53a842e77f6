import { describe, expect, it } from 'vitest';
import type { LedgerRepository } from '../repository/index.ts';
import { forEachServer, newTestLedger } from '../testing/index.ts';
import { applyCorporateAction } from './corporate-actions.ts';

const DAY = '2025-01-06';
const EX = '2025-01-07';

/** Funds a book and buys `qty` SPY at 300 into it. */
const hold = async (ledger: LedgerRepository, bookId: 'pool' | `strategy#${string}`, qty: string) => {
  await ledger.applyTransfer({
    transferId: `fund:${bookId}`,
    day: DAY,
    from: 'unallocated',
    to: bookId,
    kind: 'cash',
    amount: '10000',
    reason: 'funding',
  });
  const fillId = `f-${bookId}`;
  await ledger.recordFill({
    fillId,
    clientOrderId: `o-${bookId}`,
    runId: `${DAY}.test`,
    tradingDay: DAY,
    bookId,
    symbol: 'SPY',
    side: 'buy',
    qty,
    price: '300',
    filledAt: `${DAY}T15:00:00.000Z`,
  });
  await ledger.applyFill(fillId);
};

const prepare = async (ledger: LedgerRepository) => {
  await hold(ledger, 'pool', '10');
  await hold(ledger, 'strategy#alpha', '3.5');
};

const split = { kind: 'split', symbol: 'SPY', exDate: EX, newRate: '2', oldRate: '1' } as const;
const dividend = { kind: 'dividend', symbol: 'SPY', exDate: EX, rate: '1.235' } as const;

forEachServer('ledger corporate actions', (endpoint) => {
  describe('applyCorporateAction', () => {
    it('splits every holding book once, keeping its cost basis (no order, no cash)', async () => {
      // Arrange
      const t = await newTestLedger(endpoint());
      await prepare(t.ledger);
      // Act
      const r = await applyCorporateAction(t.ledger, { action: split, day: EX });
      const once = await t.scan();
      const again = await applyCorporateAction(t.ledger, { action: split, day: EX });
      // Assert
      expect(r.status).toBe('applied');
      expect(r.plan?.planId).toBe('split:SPY:2025-01-07');
      expect(r.plan?.corporateAction).toMatchObject({ kind: 'split', newRate: '2', source: 'announcement' });
      expect(r.plan?.transfers.map((x) => `${x.from}>${x.to} ${x.qty} cost ${x.amount}`)).toEqual([
        'external>pool 10 cost 0',
        'external>strategy#alpha 3.5 cost 0',
      ]);
      const pool = await t.ledger.getBook('pool');
      expect(pool.positions).toEqual([
        expect.objectContaining({ symbol: 'SPY', qty: '20', costBasis: '3000' }),
      ]);
      expect(pool.cash).toBe('7000');
      expect((await t.ledger.getBook('strategy#alpha')).positions[0]?.qty).toBe('7');
      expect(again.status).toBe('already-applied');
      expect(await t.scan()).toEqual(once);
    });

    it('credits a dividend to each holder by its holding, rounded down to cents', async () => {
      // Arrange
      const t = await newTestLedger(endpoint());
      await prepare(t.ledger);
      // Act
      const r = await applyCorporateAction(t.ledger, { action: dividend, day: EX });
      // Assert: 10 × 1.235 = 12.35; 3.5 × 1.235 = 4.3225 → 4.32.
      expect(r.plan?.transfers.map((x) => `${x.from}>${x.to} ${x.amount}`)).toEqual([
        'external>pool 12.35',
        'external>strategy#alpha 4.32',
      ]);
      expect((await t.ledger.getBook('pool')).cash).toBe('7012.35');
      expect((await t.ledger.getBook('strategy#alpha')).cash).toBe('8954.32');
      // Nothing to pay when no book holds the symbol.
      const none = await applyCorporateAction(t.ledger, { action: { ...dividend, symbol: 'TLT' }, day: EX });
      expect(none).toEqual({ status: 'no-holders', plan: null });
    });

    it('completes exactly once after a crash at any write', async () => {
      const ref = await newTestLedger(endpoint());
      await prepare(ref.ledger);
      await applyCorporateAction(ref.ledger, { action: split, day: EX });
      const expected = await ref.scan();
      let completed = false;
      let crashAfter = 0;
      for (; !completed && crashAfter < 100; crashAfter++) {
        const t = await newTestLedger(endpoint());
        await prepare(t.ledger);
        try {
          await applyCorporateAction(t.crashingLedger(crashAfter), { action: split, day: EX });
          completed = true;
        } catch (e) {
          expect(String(e)).toMatch(/simulated crash at before write/);
        }
        await applyCorporateAction(t.ledger, { action: split, day: EX });
        expect(await t.scan(), `crash after ${crashAfter} writes`).toEqual(expected);
      }
      // claim, plan, 4 for each of the two transfers (record, position, mark, prune), mark plan, finalize
      expect(crashAfter).toBeGreaterThan(6);
    }, 180_000);
  });
});
