import { describe, expect, it } from 'vitest';
import type { LedgerRepository } from '../repository/index.ts';
import { forEachServer, newTestLedger } from '../testing/index.ts';
import { fundBooks, rebalanceCapital } from './capital.ts';

const DAY = '2025-01-06';
const STRATEGIES = [
  { id: 'alpha', flow: 'per-book' as const },
  { id: 'beta', flow: 'aggregated' as const },
  { id: 'gamma', flow: 'aggregated' as const },
];
const POLICY = {
  kind: 'fixed' as const,
  allocations: { alpha: '0.5', beta: '0.1', gamma: '0.3' },
  rebalanceCapital: true,
};

const buyInPool = async (ledger: LedgerRepository, qty: string, price: string) => {
  await ledger.recordFill({
    fillId: `f-${qty}-${price}`,
    clientOrderId: `o-${qty}-${price}`,
    runId: `${DAY}.rebalance`,
    tradingDay: DAY,
    bookId: 'pool',
    symbol: 'SPY',
    side: 'buy',
    qty,
    price,
    filledAt: `${DAY}T15:00:00.000Z`,
  });
  await ledger.applyFill(`f-${qty}-${price}`);
};

forEachServer('ledger capital', (endpoint, server) => {
  describe('fundBooks', () => {
    it('funds each book with allocation × equity once and records flows and pool shares', async () => {
      // Arrange
      const t = await newTestLedger(endpoint());
      const input = { policy: POLICY, strategies: STRATEGIES, accountEquity: '10000.05', day: DAY };
      // Act
      const first = await fundBooks(t.ledger, input);
      const once = await t.scan();
      const again = await fundBooks(t.ledger, { ...input, accountEquity: '20000' });
      // Assert
      expect(first.status).toBe('funded');
      expect(first.plan?.transfers).toEqual([
        {
          transferId: 'funding:2025-01-06:1:pool',
          kind: 'cash',
          from: 'unallocated',
          to: 'pool',
          amount: '4000.02',
        },
        {
          transferId: 'funding:2025-01-06:1:strategy#alpha',
          kind: 'cash',
          from: 'unallocated',
          to: 'strategy#alpha',
          amount: '5000.02',
        },
      ]);
      expect((await t.ledger.getBook('pool')).cash).toBe('4000.02');
      expect((await t.ledger.getBook('strategy#alpha')).cash).toBe('5000.02');
      expect(first.state.flows).toEqual({ alpha: 'per-book', beta: 'aggregated', gamma: 'aggregated' });
      expect(first.state.poolShares).toEqual({ beta: '0.25', gamma: '0.75' });
      expect(first.state.pendingPlanId).toBeUndefined();
      expect(again.status).toBe('already-funded');
      expect(await t.scan()).toEqual(once);
    });

    it('issues a strategy joining a pool with members its share at pool NAV', async () => {
      const { ledger } = await newTestLedger(endpoint());
      await fundBooks(ledger, {
        policy: { kind: 'fixed', allocations: { beta: '0.4' } },
        strategies: [{ id: 'beta', flow: 'aggregated' }],
        accountEquity: '10000',
        day: DAY,
      });
      await buyInPool(ledger, '10', '300'); // pool: 1000 cash + 10 SPY
      const r = await fundBooks(ledger, {
        policy: { kind: 'fixed', allocations: { beta: '0.4', gamma: '0.2' } },
        strategies: [
          { id: 'beta', flow: 'aggregated' },
          { id: 'gamma', flow: 'aggregated' },
        ],
        accountEquity: '15000',
        day: '2025-01-07',
        prices: { SPY: '400' }, // pool NAV 5000; gamma brings 3000
      });
      expect(r.plan?.transfers.map((t) => t.amount)).toEqual(['3000']);
      expect(r.state.poolShares).toEqual({ beta: '0.625', gamma: '0.375' });
      expect((await ledger.getBook('pool')).cash).toBe('4000');
    });

    it('refuses over-committed allocations and funding beyond the unallocated cash, writing nothing', async () => {
      const t = await newTestLedger(endpoint());
      await expect(
        fundBooks(t.ledger, {
          policy: { kind: 'fixed', allocations: { alpha: '0.7', beta: '0.4' } },
          strategies: [
            { id: 'alpha', flow: 'per-book' },
            { id: 'beta', flow: 'per-book' },
          ],
          accountEquity: '1000',
          day: DAY,
        }),
      ).rejects.toMatchObject({ name: 'AllocationInvalidError' });
      await t.ledger.applyTransfer({
        transferId: 'seed',
        day: DAY,
        kind: 'cash',
        from: 'unallocated',
        to: 'strategy#other',
        amount: '600',
        reason: 'owned elsewhere',
      });
      const before = await t.scan();
      await expect(
        fundBooks(t.ledger, {
          policy: POLICY,
          strategies: STRATEGIES,
          accountEquity: '1000',
          accountCash: '1000',
          day: DAY,
        }),
      ).rejects.toThrow(/exceeds the unallocated cash 400/);
      expect(await t.scan()).toEqual(before);
    });
  });

  describe('rebalanceCapital', () => {
    const policy = {
      kind: 'fixed' as const,
      allocations: { alpha: '0.5', beta: '0.5' },
      rebalanceCapital: true,
    };
    const strategies = [
      { id: 'alpha', flow: 'per-book' as const },
      { id: 'beta', flow: 'aggregated' as const },
    ];
    const prepare = async (ledger: LedgerRepository) => {
      await fundBooks(ledger, { policy, strategies, accountEquity: '10000', day: DAY });
      await buyInPool(ledger, '10', '300'); // pool: 2000 cash + 10 SPY
    };
    const input = { policy, strategies, day: '2025-01-07', prices: { SPY: '500' } }; // pool NAV 7000 vs 5000

    it('moves cash from the drifted book to its target once a day', async () => {
      // Arrange
      const t = await newTestLedger(endpoint());
      await prepare(t.ledger);
      // Act
      const r = await rebalanceCapital(t.ledger, input);
      const once = await t.scan();
      const again = await rebalanceCapital(t.ledger, input);
      // Assert
      expect(r.status).toBe('rebalanced');
      expect(r.drifted.map((d) => d.bookId).sort()).toEqual(['pool', 'strategy#alpha']);
      expect(r.plan?.transfers).toEqual([
        {
          transferId: 'capital:2025-01-07:0:pool>strategy#alpha',
          kind: 'cash',
          from: 'pool',
          to: 'strategy#alpha',
          amount: '1000',
        },
      ]);
      expect((await t.ledger.getBook('pool')).cash).toBe('1000');
      expect((await t.ledger.getBook('strategy#alpha')).cash).toBe('6000');
      expect(again.status).toBe('already-rebalanced');
      expect(await t.scan()).toEqual(once);
    });

    it('does nothing within the band, or when the policy does not move capital', async () => {
      const t = await newTestLedger(endpoint());
      await prepare(t.ledger);
      const before = await t.scan();
      const within = await rebalanceCapital(t.ledger, { ...input, prices: { SPY: '300' } });
      const disabled = await rebalanceCapital(t.ledger, {
        ...input,
        policy: { ...policy, rebalanceCapital: false },
      });
      expect(within).toEqual({ status: 'within-band', drifted: [], unmet: '0', plan: null });
      expect(disabled.status).toBe('disabled');
      expect(disabled.drifted).toHaveLength(2);
      expect(await t.scan()).toEqual(before);
    });

    it('records the funded allocations, and moves a slice of positions where the donor lacks cash', async () => {
      // Arrange: SPY at 800 → pool NAV 10 000 (2 000 cash + 10 SPY), alpha 5 000: targets 7 500 each.
      const t = await newTestLedger(endpoint());
      await prepare(t.ledger);
      expect((await t.ledger.getFlowState()).allocations).toEqual({ alpha: '0.5', beta: '0.5' });
      // Act
      const r = await rebalanceCapital(t.ledger, { ...input, prices: { SPY: '800' } });
      // Assert: the pool's 2 000 of cash first, then 500 of its positions (0.625 SPY, cost pro rata).
      expect(r.status).toBe('rebalanced');
      expect(r.plan?.transfers).toEqual([
        {
          transferId: 'capital:2025-01-07:0:pool>strategy#alpha',
          kind: 'cash',
          from: 'pool',
          to: 'strategy#alpha',
          amount: '2000',
        },
        {
          transferId: 'capital:2025-01-07:1:pool>strategy#alpha:SPY',
          kind: 'position',
          from: 'pool',
          to: 'strategy#alpha',
          symbol: 'SPY',
          qty: '0.625',
          amount: '187.5',
        },
      ]);
      const alpha = await t.ledger.getBook('strategy#alpha');
      expect(alpha.cash).toBe('7000');
      expect(alpha.positions.map((p) => [p.symbol, p.qty, p.costBasis])).toEqual([['SPY', '0.625', '187.5']]);
      expect((await t.ledger.getBook('pool')).positions[0]?.qty).toBe('9.375');
    });

    it('a change of allocations is applied whatever the band, and recorded', async () => {
      // Arrange: funded 50/50; the operator now allocates 0.6 / 0.4.
      const t = await newTestLedger(endpoint());
      await prepare(t.ledger);
      const changed = { ...policy, allocations: { alpha: '0.6', beta: '0.4' }, rebalanceCapital: false };
      // Act: at SPY 300 the books are 5 000 / 5 000, well inside any band.
      const r = await rebalanceCapital(t.ledger, {
        ...input,
        policy: changed,
        prices: { SPY: '300' },
        force: true,
      });
      // Assert
      expect(r.status).toBe('rebalanced');
      expect(r.plan?.reason).toMatch(/^allocations changed/);
      expect(r.plan?.transfers.map((x) => `${x.from}>${x.to} ${x.amount}`)).toEqual([
        'pool>strategy#alpha 1000',
      ]);
      expect((await t.ledger.getFlowState()).allocations).toEqual({ alpha: '0.6', beta: '0.4' });
    });

    it('completes exactly once after a crash at any write', async () => {
      const ref = await newTestLedger(endpoint());
      await prepare(ref.ledger);
      await rebalanceCapital(ref.ledger, input);
      const expected = await ref.scan();
      let completed = false;
      let crashAfter = 0;
      for (; !completed && crashAfter < 100; crashAfter++) {
        const t = await newTestLedger(endpoint());
        await prepare(t.ledger);
        try {
          await rebalanceCapital(t.crashingLedger(crashAfter), input);
          completed = true;
        } catch (e) {
          expect(String(e)).toMatch(/simulated crash at before write/);
        }
        await rebalanceCapital(t.ledger, input);
        expect(await t.scan(), `crash after ${crashAfter} writes`).toEqual(expected);
      }
      // claim, plan, the transfer (DynamoDB: 6 writes), mark plan, finalize
      expect(crashAfter).toBe(2 + server.journalWrites.transfer + 2 + 1);
    }, 180_000);
  });
});
