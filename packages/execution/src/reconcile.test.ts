import { describe, expect, it } from 'vitest';
import { reconcile, unallocatedFromTransfers } from './reconcile.ts';
import { BOOK_A, BOOK_B, DAY, line, makeWorld, useDynamo } from './testing/index.ts';

const endpoint = useDynamo();

describe('reconcile', () => {
  it('sums every book per symbol and the books’ cash plus unallocated against the broker', async () => {
    // Arrange: two books holding SPY, one GLD
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    await w.fund(BOOK_B, '10000');
    await w.run(BOOK_A, [line('buy', 'SPY', '4'), line('buy', 'GLD', '2')]);
    await w.run(BOOK_B, [line('buy', 'SPY', '6')]);
    const unallocatedCash = await unallocatedFromTransfers(w.ledger, w.startingCash);
    // Act
    const r = await reconcile({ ledger: w.ledger, broker: w.broker, unallocatedCash });
    // Assert
    expect(unallocatedCash).toBe('80000');
    expect(r.ok).toBe(true);
    expect(r.positions).toEqual([
      { symbol: 'GLD', ledger: '2', broker: '2' },
      { symbol: 'SPY', ledger: '10', broker: '10' },
    ]);
    expect(r.cash).toEqual({ books: '14640', unallocated: '80000', unallocatedKnown: true, broker: '94640' });
  });

  it('lists every difference above the tolerance', async () => {
    // Arrange: the ledger records a fill the broker never made, and funds a book with cash it does not have
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    await w.run(BOOK_A, [line('buy', 'SPY', '4')]);
    await w.ledger.recordFill({
      fillId: 'phantom',
      clientOrderId: 'phantom',
      runId: `${DAY}.test`,
      tradingDay: DAY,
      bookId: BOOK_A,
      symbol: 'GLD',
      side: 'buy',
      qty: '3',
      price: '180',
      filledAt: '2025-06-02T19:45:00.000Z',
    });
    await w.ledger.applyFill('phantom');
    // Act
    const r = await reconcile({ ledger: w.ledger, broker: w.broker, unallocatedCash: '90000' });
    // Assert
    expect(r.ok).toBe(false);
    expect(r.differences).toEqual([
      { symbol: 'GLD', ledger: '3', broker: '0', diff: '-3' },
      { symbol: 'cash', ledger: '97460', broker: '98000', diff: '540' },
    ]);
    // A tolerance above both hides them.
    expect(
      (await reconcile({ ledger: w.ledger, broker: w.broker, unallocatedCash: '90000', tolerance: '1000' }))
        .ok,
    ).toBe(true);
  });

  it('without the unallocated cash, only books claiming more cash than the account has differ', async () => {
    const w = await makeWorld(endpoint(), { startingCash: '5000' });
    await w.fund(BOOK_A, '4000');
    expect((await reconcile({ ledger: w.ledger, broker: w.broker })).ok).toBe(true);
    await w.fund(BOOK_B, '2000');
    const r = await reconcile({ ledger: w.ledger, broker: w.broker });
    expect(r.differences).toEqual([{ symbol: 'cash', ledger: '6000', broker: '5000', diff: '-1000' }]);
    expect(r.cash.unallocatedKnown).toBe(false);
  });
});
