import { applyTransfers, carveFromPool, D, mergeIntoPool } from '@ensemble/core';
import { describe, expect, it } from 'vitest';
import type { LedgerRepository } from '../repository/index.ts';
import { forEachServer, newTestLedger } from '../testing/index.ts';
import type { BookState } from '../types.ts';
import { fundBooks } from './capital.ts';
import { flipFlow } from './flip.ts';

const DAY = '2025-01-06';
const STRATEGIES = [
  { id: 'alpha', flow: 'aggregated' as const },
  { id: 'beta', flow: 'aggregated' as const },
  { id: 'gamma', flow: 'aggregated' as const },
  { id: 'delta', flow: 'per-book' as const },
];
const POLICY = {
  kind: 'fixed' as const,
  allocations: { alpha: '0.2', beta: '0.3', gamma: '0.3', delta: '0.2' },
};
const PRICES = { SPY: '412.17', TLT: '88.03', BRK: '455.5' };

/** Fund 4 strategies (3 in the pool) and fill the pool with positions (by default 3, two fractional). */
const prepare = async (ledger: LedgerRepository, symbols = ['SPY', 'TLT', 'BRK']): Promise<void> => {
  await fundBooks(ledger, { policy: POLICY, strategies: STRATEGIES, accountEquity: '100000.05', day: DAY });
  const all: [string, string, string][] = [
    ['SPY', '10.5', '401.37'],
    ['TLT', '33.333333333', '91.2'],
    ['BRK', '7', '450.01'],
  ];
  const buys = all.filter(([s]) => symbols.includes(s));
  for (const [symbol, qty, price] of buys) {
    await ledger.recordFill({
      fillId: `f-${symbol}`,
      clientOrderId: `o-${symbol}`,
      runId: `${DAY}.rebalance`,
      tradingDay: DAY,
      bookId: 'pool',
      symbol,
      side: 'buy',
      qty,
      price,
      fee: '0.01',
      filledAt: `${DAY}T15:00:00.000Z`,
    });
    await ledger.applyFill(`f-${symbol}`);
  }
};

/** Σ over books of each symbol's qty and cost basis, and of cash. */
const totals = (...books: BookState[]) => {
  const out: Record<string, D> = { cash: new D(0) };
  for (const b of books) {
    out.cash = out.cash!.plus(b.cash);
    for (const p of b.positions) {
      out[`${p.symbol}.qty`] = (out[`${p.symbol}.qty`] ?? new D(0)).plus(p.qty);
      out[`${p.symbol}.cost`] = (out[`${p.symbol}.cost`] ?? new D(0)).plus(p.costBasis);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.toFixed()]));
};

const carve = { strategyId: 'alpha', from: 'aggregated', to: 'per-book', day: '2025-01-07' } as const;
const merge = {
  strategyId: 'alpha',
  from: 'per-book',
  to: 'aggregated',
  day: '2025-01-08',
  prices: PRICES,
} as const;

forEachServer('ledger flag flip', (endpoint, server) => {
  describe('flipFlow', () => {
    it('round-trips aggregated → per-book → aggregated with totals equal to the share and cent', async () => {
      // Arrange
      const { ledger } = await newTestLedger(endpoint());
      await prepare(ledger);
      const pool0 = await ledger.getBook('pool');
      const state0 = await ledger.getFlowState();
      const total0 = totals(pool0, await ledger.getBook('strategy#alpha'));
      // Act: carve alpha out of the pool (BRK trades in whole shares).
      const out = await flipFlow(ledger, { ...carve, nonFractionable: ['BRK'] });
      const pool1 = await ledger.getBook('pool');
      const alpha1 = await ledger.getBook('strategy#alpha');
      // Assert: exactly core's carve, as transfers, totals unchanged.
      const expected = carveFromPool({
        pool: pool0,
        shares: state0.poolShares,
        strategyId: 'alpha',
        nonFractionable: new Set(['BRK']),
      });
      expect(out.status).toBe('flipped');
      expect(state0.poolShares).toEqual({ alpha: '0.25', beta: '0.375', gamma: '0.375' });
      expect(alpha1).toEqual({ ...expected.book, bookId: 'strategy#alpha' });
      expect(pool1).toEqual(expected.pool);
      expect(alpha1.positions.find((p) => p.symbol === 'BRK')?.qty).toBe('1');
      expect(totals(pool1, alpha1)).toEqual(total0);
      expect(out.state.flows.alpha).toBe('per-book');
      expect(out.state.poolShares).toEqual({ beta: '0.5', gamma: '0.5' });
      expect(out.plan?.transfers.map((t) => t.transferId)).toEqual([
        'flip:alpha:3:position:BRK',
        'flip:alpha:3:position:SPY',
        'flip:alpha:3:position:TLT',
        'flip:alpha:3:cash',
      ]);
      expect((await ledger.listOrdersOfBook('strategy#alpha')).data).toEqual([]);

      // Act: merge it back at NAV.
      const back = await flipFlow(ledger, merge);
      const pool2 = await ledger.getBook('pool');
      const alpha2 = await ledger.getBook('strategy#alpha');
      // Assert
      const expectedBack = mergeIntoPool({
        pool: pool1,
        shares: out.state.poolShares,
        strategyId: 'alpha',
        book: alpha1,
        prices: PRICES,
      });
      expect(back.status).toBe('flipped');
      expect(alpha2).toEqual({ bookId: 'strategy#alpha', cash: '0', positions: [] });
      expect(pool2).toEqual(expectedBack.pool);
      expect(totals(pool2, alpha2)).toEqual(total0);
      expect(pool2).toEqual(pool0);
      expect(back.state.poolShares).toEqual(expectedBack.shares);
      expect(back.state.flows).toEqual({
        alpha: 'aggregated',
        beta: 'aggregated',
        gamma: 'aggregated',
        delta: 'per-book',
      });
      const plans = await ledger.listTransferPlans({ from: '2025-01-07', to: '2025-01-08' });
      expect(plans.data.map((p) => [p.planId, p.status])).toEqual([
        ['flip:alpha:3', 'APPLIED'],
        ['flip:alpha:5', 'APPLIED'],
      ]);
    });

    it('flips a per-book strategy into the pool and back out with totals equal', async () => {
      const { ledger } = await newTestLedger(endpoint());
      await prepare(ledger);
      await ledger.recordFill({
        fillId: 'f-delta',
        clientOrderId: 'o-delta',
        runId: `${DAY}.rebalance`,
        tradingDay: DAY,
        bookId: 'strategy#delta',
        symbol: 'SPY',
        side: 'buy',
        qty: '12.345678901',
        price: '399.99',
        filledAt: `${DAY}T15:00:00.000Z`,
      });
      await ledger.applyFill('f-delta');
      const books0 = [await ledger.getBook('pool'), await ledger.getBook('strategy#delta')] as const;
      const total0 = totals(...books0);
      const into = await flipFlow(ledger, { ...merge, strategyId: 'delta' });
      const books1 = [await ledger.getBook('pool'), await ledger.getBook('strategy#delta')] as const;
      expect(into.status).toBe('flipped');
      expect(books1[1]).toEqual({ bookId: 'strategy#delta', cash: '0', positions: [] });
      expect(totals(...books1)).toEqual(total0);
      expect(Object.keys(into.state.poolShares).sort()).toEqual(['alpha', 'beta', 'delta', 'gamma']);
      const sum = Object.values(into.state.poolShares).reduce((a, s) => a.plus(s), new D(0));
      expect(sum.toFixed()).toBe('1');

      const outAgain = await flipFlow(ledger, { ...carve, strategyId: 'delta', day: '2025-01-09' });
      const books2 = [await ledger.getBook('pool'), await ledger.getBook('strategy#delta')] as const;
      expect(outAgain.status).toBe('flipped');
      expect(totals(...books2)).toEqual(total0);
      // The carve takes delta's share of each position, rounded down: never more than it brought.
      const spy = books2[1].positions.find((p) => p.symbol === 'SPY');
      expect(new D(spy?.qty ?? '0').lte('12.345678901')).toBe(true);
    });

    it('a repeated flip reports already-flipped and writes nothing', async () => {
      const t = await newTestLedger(endpoint());
      await prepare(t.ledger);
      await flipFlow(t.ledger, carve);
      const once = await t.scan();
      const again = await flipFlow(t.ledger, carve);
      expect(again.status).toBe('already-flipped');
      expect(await t.scan()).toEqual(once);
    });

    it.each([
      // claim, plan, 3 transfers (DynamoDB: × 6, record, from, to, mark, 2 prunes), mark plan, finalize
      ['aggregated → per-book', carve, 3],
      // claim, plan, 1 cash transfer, mark plan, finalize
      ['per-book → aggregated', { ...merge, strategyId: 'delta' }, 1],
    ])(
      'completes %s exactly once after a crash at any write',
      async (_, flip, transfers) => {
        const writes = 2 + transfers * server.journalWrites.transfer + 2;
        // Reference: no crash.
        const ref = await newTestLedger(endpoint());
        await prepare(ref.ledger, ['SPY', 'TLT']);
        await flipFlow(ref.ledger, flip);
        const expected = await ref.scan();
        let completed = false;
        let crashAfter = 0;
        for (; !completed && crashAfter < 200; crashAfter++) {
          const t = await newTestLedger(endpoint());
          await prepare(t.ledger, ['SPY', 'TLT']);
          try {
            await flipFlow(t.crashingLedger(crashAfter), flip);
            completed = true;
          } catch (e) {
            expect(String(e)).toMatch(/simulated crash at before write/);
          }
          const rerun = await flipFlow(t.ledger, flip);
          expect(rerun.status).toBe(completed ? 'already-flipped' : 'flipped');
          expect(await t.scan(), `crash after ${crashAfter} writes`).toEqual(expected);
        }
        // Every write of the flip was a crash point.
        expect(completed).toBe(true);
        expect(crashAfter).toBe(writes + 1);
      },
      180_000,
    );

    it('carves by the members’ latest weights when given prices: the strategy gets what it targets', async () => {
      // Arrange: the last run attributed weights: alpha wants BRK only, beta and gamma SPY and TLT.
      const { ledger } = await newTestLedger(endpoint());
      await prepare(ledger);
      const weights = {
        alpha: { BRK: '1' },
        beta: { SPY: '0.6', TLT: '0.4' },
        gamma: { SPY: '0.6', TLT: '0.4' },
      };
      for (const [strategyId, w] of Object.entries(weights)) {
        await ledger.recordPoolAttribution({
          runId: `${DAY}.rebalance`,
          tradingDay: DAY,
          strategyId,
          fraction: '0.25',
          capital: '0',
          weights: w,
          holdings: {},
        });
      }
      const pool0 = await ledger.getBook('pool');
      const state0 = await ledger.getFlowState();
      // Act
      const out = await flipFlow(ledger, { ...carve, prices: PRICES, nonFractionable: ['BRK'] });
      // Assert: exactly core's carve by weights: BRK (all of it is alpha's) and the rest of its slice in cash.
      const expected = carveFromPool({
        pool: pool0,
        shares: state0.poolShares,
        strategyId: 'alpha',
        nonFractionable: new Set(['BRK']),
        targets: weights,
        prices: PRICES,
      });
      const alpha = await ledger.getBook('strategy#alpha');
      expect(alpha).toEqual({ ...expected.book, bookId: 'strategy#alpha' });
      expect(alpha.positions.map((p) => p.symbol)).toEqual(['BRK']);
      expect(new D(alpha.cash).gt(0)).toBe(true);
      expect(out.plan?.transfers.map((t) => t.transferId)).toEqual([
        'flip:alpha:3:position:BRK',
        'flip:alpha:3:cash',
      ]);
      expect(totals(await ledger.getBook('pool'), alpha)).toEqual(totals(pool0));
    });

    it('fails closed before any write: same flows, merge without prices', async () => {
      const t = await newTestLedger(endpoint());
      await prepare(t.ledger);
      await flipFlow(t.ledger, carve);
      const before = await t.scan();
      await expect(
        flipFlow(t.ledger, { ...carve, to: 'aggregated', from: 'aggregated' }),
      ).rejects.toMatchObject({ name: 'LedgerInputInvalidError' });
      await expect(flipFlow(t.ledger, { ...merge, prices: { SPY: '1' } })).rejects.toMatchObject({
        name: 'PriceInvalidError',
      });
      expect(await t.scan()).toEqual(before);
    });

    it('carves by the latest pool attribution when the ledger never recorded pool shares', async () => {
      const { ledger } = await newTestLedger(endpoint());
      await ledger.applyTransfer({
        transferId: 'seed',
        day: DAY,
        kind: 'cash',
        from: 'unallocated',
        to: 'pool',
        amount: '1000',
        reason: 'seed',
      });
      for (const [runId, fractions] of [
        ['2025-01-02.rebalance', { alpha: '0.5', beta: '0.5' }],
        ['2025-01-03.rebalance', { alpha: '0.25', beta: '0.75' }],
      ] as const) {
        for (const [strategyId, fraction] of Object.entries(fractions)) {
          await ledger.recordPoolAttribution({
            runId,
            tradingDay: runId.slice(0, 10),
            strategyId,
            fraction,
            capital: '0',
            weights: {},
            holdings: {},
          });
        }
      }
      const r = await flipFlow(ledger, carve);
      expect(r.plan?.poolSharesBefore).toEqual({ alpha: '0.25', beta: '0.75' });
      expect((await ledger.getBook('strategy#alpha')).cash).toBe('250');
      expect((await ledger.getBook('pool')).cash).toBe('750');
      expect(r.state.poolShares).toEqual({ beta: '1' });
      // Pure check of the same move.
      const pure = applyTransfers({ pool: { bookId: 'pool', cash: '1000', positions: [] } }, [
        { kind: 'cash', from: 'pool', to: 'strategy#alpha', amount: '250' },
      ]);
      expect(pure.pool?.cash).toBe('750');
    });
  });
});
