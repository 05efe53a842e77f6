/**
 * Corporate actions on a held symbol through the steps, on real components: the SimBroker simulates a 2-for-1
 * split of TQQQ (which tqqq-ftlt and others hold) and a cash dividend, the bars show the split as a provider
 * does, and PrepareRun applies both to every holding book — announced, or the split inferred when the broker
 * announces nothing. Reconciliation stays clean through them.
 */
import { allPages } from '@ensemble/ledger';
import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { driveDay, startWorld, stepsOf, type World } from '../testing/world.ts';

const SPLIT = { kind: 'split', symbol: 'TQQQ', exDate: '2025-11-25', newRate: '2', oldRate: '1' } as const;
const DIVIDEND = { kind: 'dividend', symbol: 'TQQQ', exDate: '2025-11-26', rate: '0.37' } as const;

/** The books holding `symbol` and their quantities, by book id. */
const holders = async (world: World, symbol: string): Promise<[string, string][]> =>
  (await allPages((o) => world.ledger.listHoldersOfSymbol(symbol, o)))
    .map((p): [string, string] => [p.bookId, p.qty])
    .sort(([a], [b]) => a.localeCompare(b));

/** Every book's TQQQ, summed. */
const held = async (world: World, symbol: string) =>
  (await allPages((o) => world.ledger.listAllPositions(o)))
    .filter((p) => p.symbol === symbol)
    .reduce((a, p) => a.plus(p.qty), new Decimal(0));

describe('corporate actions through PrepareRun', () => {
  let world: World | undefined;
  afterEach(async () => world?.close());

  const days = async (w: World, list: string[]) => {
    const out = [];
    for (const d of list) {
      w.setDay(d);
      out.push(await driveDay(stepsOf(w), d));
    }
    return out;
  };

  it('applies an announced split and dividend to every holding book; the books reconcile every day', async () => {
    // Arrange
    world = await startWorld({ corporateActions: [SPLIT, DIVIDEND] });
    // Act: the 24th buys TQQQ; the split takes effect on the 25th; the dividend goes ex on the 26th.
    const [d24] = await days(world, ['2025-11-24']);
    const holders24 = await holders(world, 'TQQQ');
    const [d25] = await days(world, ['2025-11-25']);
    const holders25 = await holders(world, 'TQQQ');
    const [d26] = await days(world, ['2025-11-26']);
    // Assert: every day reconciles.
    for (const d of [d24, d25, d26])
      expect(d?.finalize?.reconciliation).toEqual({ ok: true, differences: 0 });
    // The split issued each holding book as many shares as it held (2-for-1), from outside, no cost.
    const split = await world.ledger.getTransferPlan('split:TQQQ:2025-11-25');
    expect(holders24.length).toBeGreaterThan(0);
    expect(split?.status).toBe('APPLIED');
    expect(split?.transfers.map((t) => [t.from, t.to, t.qty, t.amount])).toEqual(
      holders24.map(([bookId, qty]) => ['external', bookId, qty, '0']),
    );
    // The dividend paid the holders at the start of its ex-date, qty × 0.37 (down to cents; the account's
    // rounding residue to the largest holder).
    const dividend = await world.ledger.getTransferPlan('dividend:TQQQ:2025-11-26');
    expect(dividend?.status).toBe('APPLIED');
    expect(dividend?.transfers.map((t) => t.to)).toEqual(holders25.map(([bookId]) => bookId));
    const paid = dividend!.transfers.reduce((a, t) => a.plus(t.amount), new Decimal(0));
    const total = holders25.reduce((a, [, q]) => a.plus(q), new Decimal(0));
    expect(paid.eq(total.times('0.37').toDecimalPlaces(2, Decimal.ROUND_DOWN))).toBe(true);
  });

  it('infers an unannounced split from the quantity and the price, and reconciles', async () => {
    // Arrange: the broker splits TQQQ but announces nothing.
    world = await startWorld({ corporateActions: [SPLIT], unannounced: true });
    // Act
    await days(world, ['2025-11-24']);
    const before = await held(world, 'TQQQ');
    const [d25] = await days(world, ['2025-11-25']);
    // Assert: the split was recorded as inferred, and the day reconciled.
    const plan = await world.ledger.getTransferPlan('split:TQQQ:2025-11-25');
    expect(plan?.corporateAction).toMatchObject({
      kind: 'split',
      newRate: '2',
      oldRate: '1',
      source: 'inferred',
    });
    expect(d25?.finalize?.reconciliation).toEqual({ ok: true, differences: 0 });
    // The 25th's trades came after the split: the split doubled the TQQQ held at the 24th's close.
    const issued = plan!.transfers.reduce((a, t) => a.plus(t.qty ?? '0'), new Decimal(0));
    expect(issued.eq(before)).toBe(true);
  });
});
