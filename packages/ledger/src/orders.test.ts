import { describe, expect, it } from 'vitest';
import { forEachServer, newTestLedger } from './testing/index.ts';

const intent = (n: number, day = '2025-01-02') => ({
  clientOrderId: `${day}.rebalance:a:SPY:buy:${n}`,
  runId: `${day}.rebalance`,
  tradingDay: day,
  bookId: 'strategy#a' as const,
  symbol: 'SPY',
  side: 'buy' as const,
  requestedQty: '10',
});

forEachServer('ledger orders', (endpoint) => {
  describe('recordOrderIntent / updateOrderStatus', () => {
    it('creates an order once under its client order id', async () => {
      // Arrange
      const { ledger } = await newTestLedger(endpoint());
      // Act
      const first = await ledger.recordOrderIntent(intent(1));
      const again = await ledger.recordOrderIntent(intent(1));
      const other = await ledger.recordOrderIntent({ ...intent(1), requestedQty: '11' });
      // Assert
      expect(first).toMatchObject({ status: 'created', item: { status: 'INTENT', version: 1 } });
      expect(again.status).toBe('exists');
      expect(other.status).toBe('conflict');
    });

    it('appends to the history on the expected version, refuses a stale one, recognises a replay', async () => {
      const { ledger } = await newTestLedger(endpoint());
      const { clientOrderId } = intent(1);
      await ledger.recordOrderIntent(intent(1));
      const submitted = await ledger.updateOrderStatus({
        clientOrderId,
        expectedVersion: 1,
        status: 'SUBMITTED',
        brokerOrderId: 'b-1',
      });
      const filled = await ledger.updateOrderStatus({
        clientOrderId,
        expectedVersion: 2,
        status: 'FILLED',
        filledQty: '10',
        filledNotional: '1000.50',
      });
      const replay = await ledger.updateOrderStatus({
        clientOrderId,
        expectedVersion: 1,
        status: 'SUBMITTED',
      });
      const stale = await ledger.updateOrderStatus({ clientOrderId, expectedVersion: 2, status: 'CANCELED' });
      expect(submitted.status).toBe('updated');
      expect(filled).toMatchObject({
        status: 'updated',
        item: {
          status: 'FILLED',
          version: 3,
          filledQty: '10',
          filledNotional: '1000.5',
          brokerOrderId: 'b-1',
        },
      });
      expect(replay.status).toBe('replayed');
      // The item a transition returns is the stored order, exactly as a read gives it.
      expect(filled.status === 'updated' && filled.item).toEqual(await ledger.getOrder(clientOrderId));
      expect(stale).toMatchObject({ status: 'conflict', current: { status: 'FILLED', version: 3 } });
      expect((await ledger.getOrder(clientOrderId))?.statusHistory.map((h) => h.status)).toEqual([
        'INTENT',
        'SUBMITTED',
        'FILLED',
      ]);
    });

    it("lists a book's orders and fills by date, and an order's fills, page by page", async () => {
      const { ledger } = await newTestLedger(endpoint());
      for (let i = 0; i < 12; i++) {
        for (const day of ['2025-01-02', '2025-01-03', '2025-01-06']) {
          const o = intent(i, day);
          await ledger.recordOrderIntent(o);
          await ledger.recordFill({
            fillId: `${o.clientOrderId}:f`,
            clientOrderId: o.clientOrderId,
            runId: o.runId,
            tradingDay: day,
            bookId: o.bookId,
            symbol: 'SPY',
            side: 'buy',
            qty: '1',
            price: '10',
            filledAt: `${day}T20:00:00.000Z`,
          });
        }
      }
      // Two fills of one order, and an order whose id extends another's.
      const o1 = intent(1);
      await ledger.recordFill({
        fillId: `${o1.clientOrderId}:g`,
        clientOrderId: o1.clientOrderId,
        runId: o1.runId,
        tradingDay: o1.tradingDay,
        bookId: o1.bookId,
        symbol: 'SPY',
        side: 'buy',
        qty: '2',
        price: '10',
        filledAt: '2025-01-02T20:01:00.000Z',
      });
      const collect = async <T>(
        page: (c: string | null) => Promise<{ data: T[]; cursor: string | null }>,
      ) => {
        const out: T[] = [];
        let c: string | null = null;
        do {
          const p = await page(c);
          out.push(...p.data);
          c = p.cursor;
        } while (c);
        return out;
      };
      const orders = await collect((cursor) =>
        ledger.listOrdersOfBook('strategy#a', { from: '2025-01-03', to: '2025-01-06', limit: 4, cursor }),
      );
      expect(orders.map((o) => o.tradingDay).sort()).toEqual([
        ...Array(12).fill('2025-01-03'),
        ...Array(12).fill('2025-01-06'),
      ]);
      const fills = await collect((cursor) =>
        ledger.listFillsOfBook('strategy#a', { to: '2025-01-02', limit: 3, cursor }),
      );
      expect(fills).toHaveLength(13);
      const ofOrder = await collect((cursor) => ledger.listFillsOfOrder(o1, { limit: 1, cursor }));
      expect(ofOrder.map((f) => f.qty).sort()).toEqual(['1', '2']);
      expect(
        await collect((cursor) => ledger.listOrdersOfRun('2025-01-02.rebalance', { limit: 2, cursor })),
      ).toHaveLength(12);
      expect(
        await collect((cursor) => ledger.listFillsOfRun('2025-01-02.rebalance', { limit: 5, cursor })),
      ).toHaveLength(13);
    });
  });
});
