import { describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../errors.ts';
import {
  fundBooks,
  initialFunding,
  parseCapitalPolicy,
  planCapitalRebalance,
  positionSlices,
  resolveAllocations,
} from './capital.ts';
import { AllocationInvalidError } from './errors.ts';
import { applyTransfers } from './transfers.ts';

const strategies = [
  { id: 'alpha', flow: 'per-book' },
  { id: 'beta', flow: 'aggregated' },
  { id: 'gamma', flow: 'aggregated' },
] as const;

describe('parseCapitalPolicy', () => {
  it('fills the defaults (±10 % band, no capital rebalancing)', () => {
    // Arrange / Act
    const p = parseCapitalPolicy({ kind: 'equal' });
    // Assert
    expect(p).toEqual({ kind: 'equal', reserve: '0', capitalBand: '0.1', rebalanceCapital: false });
  });

  it('reports every issue as a ConfigInvalidError', () => {
    // Arrange / Act
    const act = () => parseCapitalPolicy({ kind: 'fixed', allocations: { Alpha: '2' } });
    // Assert
    expect(act).toThrow(ConfigInvalidError);
  });
});

describe('resolveAllocations', () => {
  it('gives per-book strategies their own book and sums the pool members', () => {
    // Arrange
    const policy = parseCapitalPolicy({
      kind: 'fixed',
      allocations: { alpha: '0.5', beta: '0.3', gamma: '0.1' },
    });
    // Act
    const a = resolveAllocations(policy, strategies);
    // Assert
    expect(a.byBook).toEqual({ 'strategy#alpha': '0.5', pool: '0.4' });
    expect(a.poolShares).toEqual({ beta: '0.75', gamma: '0.25' });
  });

  it('splits equally and never over-commits (1/3 each rounds down)', () => {
    // Arrange
    const policy = parseCapitalPolicy({ kind: 'equal' });
    // Act
    const a = resolveAllocations(policy, strategies);
    // Assert
    expect(a.byStrategy.alpha).toBe('0.333333333333333333');
    expect(Object.values(a.poolShares)).toEqual(['0.5', '0.5']);
  });

  it('rejects allocations summing over 1', () => {
    // Arrange
    const policy = parseCapitalPolicy({
      kind: 'fixed',
      allocations: { alpha: '0.5', beta: '0.4', gamma: '0.2' },
    });
    // Act / Assert
    expect(() => resolveAllocations(policy, strategies)).toThrow(AllocationInvalidError);
  });

  it('rejects a missing or unknown strategy allocation', () => {
    // Arrange
    const policy = parseCapitalPolicy({ kind: 'fixed', allocations: { alpha: '0.5', delta: '0.1' } });
    // Act / Assert
    expect(() => resolveAllocations(policy, strategies)).toThrow(/beta: no allocation/);
  });
});

describe('fundBooks', () => {
  it('funds each book with allocation × equity, rounded down to cents', () => {
    // Arrange / Act
    const t = fundBooks({ 'strategy#alpha': '0.333333333333333333', pool: '0.5' }, '10000.05');
    // Assert
    expect(t).toEqual([
      { kind: 'cash', from: 'unallocated', to: 'pool', amount: '5000.02' },
      { kind: 'cash', from: 'unallocated', to: 'strategy#alpha', amount: '3333.34' },
    ]);
    expect(initialFunding('0.25', '1000')).toBe('250');
  });

  it('refuses to over-commit', () => {
    // Arrange / Act / Assert
    expect(() => fundBooks({ pool: '0.7', 'strategy#a': '0.4' }, '100')).toThrow(AllocationInvalidError);
  });
});

describe('planCapitalRebalance', () => {
  it('does nothing while every book is inside its relative band', () => {
    // Arrange: targets 50/50, shares 54/46 (band ±5 points of 50 %)
    const books = { pool: { nav: '5400', cash: '100' }, 'strategy#a': { nav: '4600', cash: '0' } };
    // Act
    const r = planCapitalRebalance({ pool: '0.5', 'strategy#a': '0.5' }, books, '0.1');
    // Assert
    expect(r).toEqual({ drifted: [], transfers: [], moves: [], unmet: '0' });
  });

  it('moves cash from the over- to the under-allocated book when a band is left', () => {
    // Arrange: shares 60/40 against 50/50
    const books = { pool: { nav: '6000', cash: '2000' }, 'strategy#a': { nav: '4000', cash: '10' } };
    // Act
    const r = planCapitalRebalance({ pool: '0.5', 'strategy#a': '0.5' }, books);
    // Assert
    expect(r.drifted.map((d) => d.bookId)).toEqual(['pool', 'strategy#a']);
    expect(r.transfers).toEqual([{ kind: 'cash', from: 'pool', to: 'strategy#a', amount: '1000' }]);
  });

  it('gives at most the donor cash (never a trade), so the rebalance may be partial', () => {
    // Arrange
    const books = { pool: { nav: '6000', cash: '250.555' }, 'strategy#a': { nav: '4000', cash: '0' } };
    // Act
    const r = planCapitalRebalance({ pool: '0.5', 'strategy#a': '0.5' }, books);
    // Assert
    expect(r.transfers).toEqual([{ kind: 'cash', from: 'pool', to: 'strategy#a', amount: '250.55' }]);
  });

  it('preserves total cash across the books', () => {
    // Arrange
    const alloc = { 'strategy#a': '0.2', 'strategy#b': '0.3', pool: '0.5' };
    const navs = {
      'strategy#a': { nav: '4000', cash: '4000' },
      'strategy#b': { nav: '1000', cash: '1000' },
      pool: { nav: '5000', cash: '5000' },
    };
    // Act
    const r = planCapitalRebalance(alloc, navs);
    const after = applyTransfers(
      Object.fromEntries(
        Object.keys(navs).map((id) => [id, { bookId: id, cash: navs[id as 'pool'].cash, positions: [] }]),
      ),
      r.transfers,
    );
    // Assert
    expect(after['strategy#a']?.cash).toBe('2000');
    expect(after['strategy#b']?.cash).toBe('3000');
    expect(after.pool?.cash).toBe('5000');
  });

  it('counts the unallocated cash when given, and moves positions where a donor has too little cash', () => {
    // Arrange: 12 000 of capital: the pool 8 000 (cash 500), strategy#a 2 000 (no cash), 2 000 unallocated.
    // Targets: pool 0.5 → 6 000, strategy#a 0.4 → 4 800, unallocated what is left (0.1) → 1 200.
    const books = { pool: { nav: '8000', cash: '500' }, 'strategy#a': { nav: '2000', cash: '0' } };
    // Act
    const r = planCapitalRebalance({ pool: '0.5', 'strategy#a': '0.4' }, books, '0.1', {
      unallocatedCash: '2000',
    });
    // Assert: cash first (the pool's 500, unallocated's 800 over its target), then 1 500 of the pool's
    // positions; strategy#a ends on its 4 800.
    expect(r.drifted.map((d) => [d.bookId, d.target])).toEqual([
      ['pool', '0.5'],
      ['strategy#a', '0.4'],
    ]);
    // (unallocated is the further from its target, 800 over 1 200: it gives first.)
    expect(r.transfers).toEqual([
      { kind: 'cash', from: 'unallocated', to: 'strategy#a', amount: '800' },
      { kind: 'cash', from: 'pool', to: 'strategy#a', amount: '500' },
    ]);
    expect(r.moves).toEqual([{ from: 'pool', to: 'strategy#a', amount: '1500' }]);
    expect(r.unmet).toBe('0');
  });

  it('gives unallocated cash only: what a book owes it beyond its cash is unmet', () => {
    // Arrange: strategy#a's allocation was lowered to 0.3 of 10 000; it holds 5 000, 200 of it cash.
    const books = { 'strategy#a': { nav: '5000', cash: '200' } };
    // Act
    const r = planCapitalRebalance({ 'strategy#a': '0.3' }, books, '0.1', { unallocatedCash: '5000' });
    // Assert
    expect(r.transfers).toEqual([{ kind: 'cash', from: 'strategy#a', to: 'unallocated', amount: '200' }]);
    expect(r.moves).toEqual([]);
    expect(r.unmet).toBe('1800');
  });

  it('when forced (the allocations changed), brings every book to its target: cash first, then positions', () => {
    // Arrange: targets 50/50 of 10 000; the pool holds 7 000 (cash 1 000), strategy#a 3 000.
    const books = { pool: { nav: '7000', cash: '1000' }, 'strategy#a': { nav: '3000', cash: '0' } };
    // Act: within a wide band, but forced.
    const r = planCapitalRebalance({ pool: '0.5', 'strategy#a': '0.5' }, books, '0.9', { force: true });
    // Assert: 1 000 of cash, the other 1 000 as a slice of the pool's positions.
    expect(r.drifted).toEqual([]);
    expect(r.transfers).toEqual([{ kind: 'cash', from: 'pool', to: 'strategy#a', amount: '1000' }]);
    expect(r.moves).toEqual([{ from: 'pool', to: 'strategy#a', amount: '1000' }]);
    expect(r.unmet).toBe('0');
  });
});

describe('positionSlices', () => {
  it('moves the same fraction of every position, whole shares where asked, cost basis pro rata', () => {
    // Arrange: 6 000 of positions (SPY 10 @ 400, TLT 25 @ 80); move 1 500 (a quarter).
    const book = {
      bookId: 'pool',
      cash: '0',
      positions: [
        { symbol: 'TLT', qty: '25', costBasis: '2100' },
        { symbol: 'SPY', qty: '10', costBasis: '3333.33' },
      ],
    };
    // Act
    const slices = positionSlices(book, { SPY: '400', TLT: '80' }, '1500', 'strategy#a', new Set(['TLT']));
    // Assert: SPY 2.5 (833.33 of cost), TLT 6 whole shares of 6.25 (504.00); worth 1 480 ≤ 1 500.
    expect(slices).toEqual([
      { kind: 'position', from: 'pool', to: 'strategy#a', symbol: 'SPY', qty: '2.5', costBasis: '833.33' },
      { kind: 'position', from: 'pool', to: 'strategy#a', symbol: 'TLT', qty: '6', costBasis: '504' },
    ]);
  });
});
