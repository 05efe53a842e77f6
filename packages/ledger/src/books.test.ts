import { describe, expect, it } from 'vitest';
import { LedgerInvariantError } from './errors.ts';
import { allPages } from './pages.ts';
import type { LedgerRepository } from './repository/index.ts';
import { forEachServer, newTestLedger, type TestLedger } from './testing/index.ts';

const fund = (ledger: LedgerRepository, bookId: 'pool' | `strategy#${string}`, amount = '10000') =>
  ledger.applyTransfer({
    transferId: `fund:${bookId}`,
    day: '2025-01-02',
    kind: 'cash',
    from: 'unallocated',
    to: bookId,
    amount,
    reason: 'capital',
  });

const fill = (
  id: string,
  bookId: 'pool' | `strategy#${string}`,
  side: 'buy' | 'sell',
  qty: string,
  price: string,
) => ({
  fillId: id,
  clientOrderId: `o-${id}`,
  runId: '2025-01-02.rebalance',
  tradingDay: '2025-01-02',
  bookId,
  symbol: 'SPY',
  side,
  qty,
  price,
  filledAt: '2025-01-02T20:59:00.000Z',
});

forEachServer('ledger books', (endpoint, server) => {
  let t: TestLedger;
  const setup = async () => {
    t = await newTestLedger(endpoint());
    return t.ledger;
  };

  describe('applyFill', () => {
    it('applies the same fill twice with one effect', async () => {
      // Arrange
      const ledger = await setup();
      await fund(ledger, 'strategy#a');
      await ledger.recordFill({ ...fill('f1', 'strategy#a', 'buy', '10', '100.5'), fee: '1' });
      // Act
      const first = await ledger.applyFill('f1');
      const again = await ledger.applyFill('f1');
      const recordedAgain = await ledger.recordFill({
        ...fill('f1', 'strategy#a', 'buy', '10', '100.5'),
        fee: '1',
      });
      // Assert
      expect(first.status).toBe('applied');
      expect(again.status).toBe('already-applied');
      expect(recordedAgain.status).toBe('exists');
      expect(await ledger.getBook('strategy#a')).toEqual({
        bookId: 'strategy#a',
        cash: '8994',
        positions: [{ symbol: 'SPY', qty: '10', costBasis: '1006' }],
      });
      expect((await ledger.getFill('f1'))?.appliedAt).toBeDefined();
    });

    it('reads one position as getBook lists it, and none once flat or never held', async () => {
      // Arrange
      const ledger = await setup();
      await fund(ledger, 'strategy#a');
      await ledger.recordFill(fill('p1', 'strategy#a', 'buy', '3', '100'));
      await ledger.applyFill('p1');
      // Act
      const held = await ledger.getPosition('strategy#a', 'SPY');
      const never = await ledger.getPosition('strategy#a', 'QQQ');
      await ledger.recordFill(fill('p2', 'strategy#a', 'sell', '3', '110'));
      await ledger.applyFill('p2');
      const flat = await ledger.getPosition('strategy#a', 'SPY');
      // Assert
      expect(held).toEqual({ symbol: 'SPY', qty: '3', costBasis: '300' });
      expect(never).toBeNull();
      expect(flat).toBeNull();
    });

    it('reduces cost basis pro rata on a sell and zeroes it when flat', async () => {
      const ledger = await setup();
      await fund(ledger, 'strategy#a');
      await ledger.recordFill(fill('b1', 'strategy#a', 'buy', '3', '100'));
      await ledger.applyFill('b1');
      await ledger.recordFill(fill('s1', 'strategy#a', 'sell', '1', '110'));
      await ledger.applyFill('s1');
      expect((await ledger.getBook('strategy#a')).positions).toEqual([
        { symbol: 'SPY', qty: '2', costBasis: '200' },
      ]);
      await ledger.recordFill(fill('s2', 'strategy#a', 'sell', '2', '90'));
      await ledger.applyFill('s2');
      expect(await ledger.getBook('strategy#a')).toEqual({
        bookId: 'strategy#a',
        cash: '9990',
        positions: [],
      });
    });

    it('refuses a sell larger than the position and leaves the book unchanged', async () => {
      const ledger = await setup();
      await ledger.recordFill(fill('s1', 'strategy#a', 'sell', '1', '110'));
      await expect(ledger.applyFill('s1')).rejects.toMatchObject({ name: 'BookInvariantError' });
      expect(await ledger.getBook('strategy#a')).toEqual({ bookId: 'strategy#a', cash: '0', positions: [] });
    });

    it('completes a fill after a crash between recordFill and applyFill', async () => {
      const ledger = await setup();
      await fund(ledger, 'strategy#a');
      await ledger.recordFill(fill('f1', 'strategy#a', 'buy', '2', '50'));
      // (crash here: the fill is recorded, the book untouched)
      expect((await ledger.getBook('strategy#a')).positions).toEqual([]);
      await ledger.recordFill(fill('f1', 'strategy#a', 'buy', '2', '50'));
      await ledger.applyFill('f1');
      expect(await ledger.getBook('strategy#a')).toEqual({
        bookId: 'strategy#a',
        cash: '9900',
        positions: [{ symbol: 'SPY', qty: '2', costBasis: '100' }],
      });
    });

    it('reaches the same state whichever write of applyFill a crash interrupts', async () => {
      // Reference: no crash.
      const ref = await newTestLedger(endpoint());
      await fund(ref.ledger, 'strategy#a');
      await ref.ledger.recordFill(fill('f1', 'strategy#a', 'buy', '2', '50'));
      await ref.ledger.applyFill('f1');
      const expected = await ref.scan();
      // applyFill writes (DynamoDB's journal): position, cash, mark fill, prune position, prune cash; the
      // memory ledger: one.
      const writes = server.journalWrites.fill;
      expect(writes).toBe(server.kind === 'memory' ? 1 : 5);
      for (let crashAfter = 0; crashAfter <= writes; crashAfter++) {
        const t2 = await newTestLedger(endpoint());
        await fund(t2.ledger, 'strategy#a');
        await t2.ledger.recordFill(fill('f1', 'strategy#a', 'buy', '2', '50'));
        const crashed = t2.crashingLedger(crashAfter).applyFill('f1');
        if (crashAfter < writes) await expect(crashed).rejects.toThrow(/simulated crash at before write/);
        else await crashed;
        await t2.ledger.applyFill('f1');
        await t2.ledger.applyFill('f1');
        expect(await t2.scan(), `crash after ${crashAfter} writes`).toEqual(expected);
      }
    });

    it('applies fills of one book at once exactly, and leaves no pending marker', async () => {
      // Arrange: concurrent fills write the same position and cash items, so a prune at the version a
      // call wrote often meets a newer version and must fall back to reading the item.
      const ledger = await setup();
      await fund(ledger, 'strategy#a');
      const ids = ['c1', 'c2', 'c3', 'c4'];
      for (const id of ids) await ledger.recordFill(fill(id, 'strategy#a', 'buy', '1', '100'));
      // Act
      const results = await Promise.all(ids.map((id) => ledger.applyFill(id)));
      // Assert
      expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
      expect(await ledger.getBook('strategy#a')).toEqual({
        bookId: 'strategy#a',
        cash: '9600',
        positions: [{ symbol: 'SPY', qty: '4', costBasis: '400' }],
      });
      // DynamoDB's journal marks the position and cash items while it applies a fill; none is left.
      if (server.kind === 'dynamodb') {
        const items = (await t.scan()).filter((i) => Array.isArray(i.pending));
        expect(items.length).toBe(2);
        for (const item of items) expect(item.pending).toEqual([]);
      }
    });
  });

  describe('applyTransfer', () => {
    it('moves shares with their cost basis exactly once', async () => {
      // Arrange
      const ledger = await setup();
      await fund(ledger, 'strategy#a');
      await ledger.recordFill(fill('b1', 'strategy#a', 'buy', '4', '100'));
      await ledger.applyFill('b1');
      const move = {
        transferId: 'flip:a:SPY',
        day: '2025-01-03',
        kind: 'position' as const,
        from: 'strategy#a' as const,
        to: 'pool' as const,
        symbol: 'SPY',
        qty: '1',
        reason: 'flag flip to aggregated',
      };
      // Act
      const first = await ledger.applyTransfer(move);
      const again = await ledger.applyTransfer(move);
      // Assert
      expect(first.status).toBe('applied');
      expect(again.status).toBe('already-applied');
      expect((await ledger.getBook('strategy#a')).positions).toEqual([
        { symbol: 'SPY', qty: '3', costBasis: '300' },
      ]);
      expect((await ledger.getBook('pool')).positions).toEqual([
        { symbol: 'SPY', qty: '1', costBasis: '100' },
      ]);
      expect((await ledger.getTransfer('flip:a:SPY'))?.amount).toBe('100');
    });

    it('moves cash exactly once and reports a reused id with other amounts as a conflict', async () => {
      const ledger = await setup();
      await fund(ledger, 'strategy#a', '1000');
      const move = {
        transferId: 'capital:a:b',
        day: '2025-01-03',
        kind: 'cash' as const,
        from: 'strategy#a' as const,
        to: 'strategy#b' as const,
        amount: '250.5',
        reason: 'capital move',
      };
      const first = await ledger.applyTransfer(move);
      const again = await ledger.applyTransfer(move);
      const other = await ledger.applyTransfer({ ...move, amount: '1' });
      // Both return the transfer as stored (marked applied), as a read gives it.
      const stored = await ledger.getTransfer('capital:a:b');
      expect(stored?.appliedAt).toBeDefined();
      expect(first).toEqual({ status: 'applied', transfer: stored });
      expect(again).toEqual({ status: 'already-applied', transfer: stored });
      expect(other.status).toBe('conflict');
      expect((await ledger.getBook('strategy#a')).cash).toBe('749.5');
      expect((await ledger.getBook('strategy#b')).cash).toBe('250.5');
      expect((await ledger.listTransfers({ from: '2025-01-03', to: '2025-01-03' })).data).toHaveLength(1);
    });

    it('lists the cash transfers from and to the cash no book owns, and no other, page by page', async () => {
      // Arrange: funding of two books, cash and shares between books, cash back to no book.
      const ledger = await setup();
      await fund(ledger, 'strategy#b', '500');
      await fund(ledger, 'strategy#a', '1000');
      await ledger.recordFill(fill('b1', 'strategy#a', 'buy', '2', '100'));
      await ledger.applyFill('b1');
      const between = { day: '2025-01-03', reason: 'netting' };
      await ledger.applyTransfer({
        ...between,
        transferId: 'cash:a:b',
        kind: 'cash',
        from: 'strategy#a',
        to: 'strategy#b',
        amount: '100',
      });
      await ledger.applyTransfer({
        ...between,
        transferId: 'shares:a:pool',
        kind: 'position',
        from: 'strategy#a',
        to: 'pool',
        symbol: 'SPY',
        qty: '1',
      });
      await ledger.applyTransfer({
        transferId: 'back:b',
        day: '2025-01-06',
        kind: 'cash',
        from: 'strategy#b',
        to: 'unallocated',
        amount: '50',
        reason: 'liquidation',
      });
      // Act: one transfer a page, so the filter runs across cursors.
      const listed = await allPages((o) => ledger.listUnallocatedCashTransfers({ ...o, limit: 1 }));
      // Assert
      expect(listed.map((t) => t.transferId)).toEqual(['fund:strategy#a', 'fund:strategy#b', 'back:b']);
      expect(listed.every((t) => t.appliedAt !== undefined)).toBe(true);
      expect(await allPages((o) => ledger.listTransfers(o))).toHaveLength(5);
    });

    it('reaches the same state whichever write of a transfer a crash interrupts', async () => {
      const move = {
        transferId: 'flip:a:SPY',
        day: '2025-01-03',
        kind: 'position' as const,
        from: 'strategy#a' as const,
        to: 'pool' as const,
        symbol: 'SPY',
        qty: '1',
        reason: 'flip',
      };
      const prepare = async (l: LedgerRepository) => {
        await fund(l, 'strategy#a');
        await l.recordFill(fill('b1', 'strategy#a', 'buy', '3', '10'));
        await l.applyFill('b1');
      };
      const ref = await newTestLedger(endpoint());
      await prepare(ref.ledger);
      await ref.ledger.applyTransfer(move);
      const expected = await ref.scan();
      // Writes (DynamoDB's journal): record, from, to, mark, prune from, prune to; the memory ledger:
      // record, apply.
      expect(server.journalWrites.transfer).toBe(server.kind === 'memory' ? 2 : 6);
      for (let crashAfter = 0; crashAfter < server.journalWrites.transfer; crashAfter++) {
        const t2 = await newTestLedger(endpoint());
        await prepare(t2.ledger);
        await expect(t2.crashingLedger(crashAfter).applyTransfer(move)).rejects.toThrow(
          /simulated crash at before write/,
        );
        await t2.ledger.applyTransfer(move);
        expect(await t2.scan(), `crash after ${crashAfter} writes`).toEqual(expected);
      }
    });

    it('refuses to move more shares than the book holds', async () => {
      const ledger = await setup();
      await expect(
        ledger.applyTransfer({
          transferId: 't',
          day: '2025-01-03',
          kind: 'position',
          from: 'strategy#a',
          to: 'pool',
          symbol: 'SPY',
          qty: '1',
          reason: 'x',
        }),
      ).rejects.toBeInstanceOf(LedgerInvariantError);
      expect(await ledger.getTransfer('t')).toBeNull();
    });
  });

  describe('positions across books', () => {
    it("pages through every position, a symbol's holders and cash balances without dropping any", async () => {
      // Arrange: 25 books hold SPY, one also holds QQQ, one sold out of SPY.
      const ledger = await setup();
      for (let i = 0; i < 25; i++) {
        const bookId = `strategy#b${String(i).padStart(2, '0')}` as const;
        await fund(ledger, bookId, '1000');
        await ledger.recordFill(fill(`f${i}`, bookId, 'buy', '1', '10'));
        await ledger.applyFill(`f${i}`);
      }
      await ledger.recordFill({ ...fill('q', 'strategy#b03', 'buy', '2', '5'), symbol: 'QQQ' });
      await ledger.applyFill('q');
      await ledger.recordFill(fill('s', 'strategy#b07', 'sell', '1', '10'));
      await ledger.applyFill('s');
      // Act
      const all = await drain((cursor) => ledger.listAllPositions({ limit: 7, cursor }));
      const holders = await drain((cursor) => ledger.listHoldersOfSymbol('SPY', { limit: 4, cursor }));
      const cash = await drain((cursor) => ledger.listCashBalances({ limit: 10, cursor }));
      // Assert
      expect(all.pages).toBeGreaterThan(1);
      expect(all.items).toHaveLength(25);
      expect(holders.items.map((p) => p.bookId)).not.toContain('strategy#b07');
      expect(holders.items).toHaveLength(24);
      expect(cash.items).toHaveLength(25);
      expect((await ledger.listPositions('strategy#b03')).data.map((p) => p.symbol)).toEqual(['QQQ', 'SPY']);
    });
  });

  describe('nav', () => {
    it("records a day once and lists a book's series over an inclusive range, page by page", async () => {
      const ledger = await setup();
      const days = Array.from({ length: 12 }, (_, i) => `2025-01-${String(i + 1).padStart(2, '0')}`);
      for (const day of days) {
        const nav = { bookId: 'pool' as const, day, cash: '1', positionsValue: '2', nav: '3', flowsIn: '0' };
        expect((await ledger.recordNav(nav)).status).toBe('created');
        expect((await ledger.recordNav(nav)).status).toBe('exists');
        await ledger.recordNav({ ...nav, bookId: 'strategy#a' });
      }
      const other = await ledger.recordNav({
        bookId: 'pool',
        day: '2025-01-01',
        cash: '9',
        positionsValue: '2',
        nav: '11',
      });
      expect(other.status).toBe('conflict');
      const series = await drain((cursor) =>
        ledger.listNav('pool', { from: '2025-01-03', to: '2025-01-10', limit: 3, cursor }),
      );
      expect(series.items.map((n) => n.day)).toEqual(days.slice(2, 10));
      expect((await ledger.listNavOfDay('2025-01-05')).data.map((n) => n.bookId)).toEqual([
        'pool',
        'strategy#a',
      ]);
    });

    it('restates a day only over the record it read; equal values replay; a stale read conflicts', async () => {
      const ledger = await setup();
      const nav = {
        bookId: 'pool' as const,
        day: '2025-01-02',
        cash: '10',
        positionsValue: '90',
        nav: '100',
      };
      const first = await ledger.recordNav(nav);
      if (first.status !== 'created') throw new Error('not created');
      const same = await ledger.restateNav(nav, first.item);
      expect(same.status).toBe('replayed');
      const restated = await ledger.restateNav(
        { ...nav, cash: '4', positionsValue: '95.5', nav: '99.5' },
        first.item,
      );
      expect(restated).toMatchObject({
        status: 'updated',
        item: { cash: '4', positionsValue: '95.5', nav: '99.5' },
      });
      // A second writer that read the first record is refused and sees the restated one.
      const stale = await ledger.restateNav({ ...nav, nav: '1' }, first.item);
      expect(stale).toMatchObject({ status: 'conflict', current: { nav: '99.5' } });
      expect((await ledger.listNav('pool')).data.map((n) => n.nav)).toEqual(['99.5']);
    });
  });
});

/** Follow cursors to the end; counts pages. */
const drain = async <T>(page: (cursor: string | null) => Promise<{ data: T[]; cursor: string | null }>) => {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const p = await page(cursor);
    items.push(...p.data);
    cursor = p.cursor;
    pages++;
  } while (cursor !== null && pages < 1000);
  return { items, pages };
};
