/**
 * Recovering a run's orders from the broker alone (no execution log): what a crash left at the broker is
 * booked exactly once, by the adoption an execution uses, and a later re-run of the execution finds nothing
 * to do twice.
 */
import { describe, expect, it } from 'vitest';
import { identifyLines } from './execute.ts';
import { crashAt } from './faults.ts';
import { reconcile } from './reconcile.ts';
import { recoverRunOrders } from './recover.ts';
import { BOOK_A, DAY, line, makeWorld, useDynamo, type World } from './testing/index.ts';
import { ExecuteInput } from './types.ts';

const endpoint = useDynamo();
const RUN = { runId: `${DAY}.test`, tradingDay: DAY, stage: 'test' };

const differences = async (w: World, unallocated: string) =>
  (await reconcile({ ledger: w.ledger, broker: w.broker, unallocatedCash: unallocated })).differences;

/** Records the plan of BOOK_A as PlanRebalance would (the candidates' source when the ledger has no intent). */
const recordPlan = (w: World, lines: ReturnType<typeof line>[]) =>
  w.ledger.recordPlan({
    runId: RUN.runId,
    tradingDay: DAY,
    bookId: BOOK_A,
    orders: lines.map((l) => ({ ...l, price: w.boardPrices[l.symbol]!, notional: '0' })),
  });

describe('recoverRunOrders', () => {
  it('books, once, the fills of an order a crash right after its submission left as an intent', async () => {
    // Arrange: the execution dies right after the broker accepted the buy
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const plan = [line('buy', 'SPY', '10')];
    await recordPlan(w, plan);
    await expect(w.run(BOOK_A, plan, { fault: crashAt('after-submit') })).rejects.toThrow(/after-submit/);
    expect(await differences(w, '90000')).not.toEqual([]);
    // Act
    const first = await recoverRunOrders({ ledger: w.ledger, broker: w.broker }, RUN);
    const second = await recoverRunOrders({ ledger: w.ledger, broker: w.broker }, RUN);
    // Assert
    expect(first).toEqual([
      {
        clientOrderId: 'ens_2025-06-02_test_s-alpha_SPY_b_1',
        symbol: 'SPY',
        side: 'buy',
        action: 'synced',
        status: 'FILLED',
        bookedQty: '10',
      },
    ]);
    expect(second.map((r) => [r.action, r.bookedQty])).toEqual([['unchanged', '0']]);
    expect(await differences(w, '90000')).toEqual([]);
    // The execution run again places nothing and books nothing more.
    const again = await w.run(BOOK_A, plan);
    expect(again.orders.map((o) => [o.status, o.filledQty])).toEqual([['FILLED', '10']]);
    expect((await w.ledger.listFillsOfRun(RUN.runId)).data).toHaveLength(1);
    expect(await differences(w, '90000')).toEqual([]);
  });

  it('adopts an order the ledger never had, from the ids of the recorded plan', async () => {
    // Arrange: the broker has the plan's order (placed by a process whose ledger write was lost)
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const plan = [line('buy', 'AAPL', '5'), line('buy', 'GLD', '3')];
    await recordPlan(w, plan);
    const [aapl] = identifyLines(ExecuteInput.parse(w.input(BOOK_A, plan)));
    await w.broker.submitOrder({
      clientOrderId: aapl!.clientOrderId,
      symbol: 'AAPL',
      side: 'buy',
      qty: '5',
      type: 'market',
      timeInForce: 'day',
    });
    // Act
    const out = await recoverRunOrders({ ledger: w.ledger, broker: w.broker }, RUN);
    // Assert: the placed one adopted and booked; the other never reached the broker
    expect(out.map((r) => [r.symbol, r.action, r.status, r.bookedQty])).toEqual([
      ['AAPL', 'adopted', 'FILLED', '5'],
      ['GLD', 'not-at-broker', undefined, '0'],
    ]);
    expect((await w.ledger.getBook(BOOK_A)).cash).toBe('9000');
    expect(await differences(w, '90000')).toEqual([]);
  });
});

describe('executePlan with a halt', () => {
  it('places nothing new but follows and books an order already at the broker', async () => {
    // Arrange: the first attempt placed the SPY buy and died; the AAPL buy was never placed
    const w = await makeWorld(endpoint());
    await w.fund(BOOK_A, '10000');
    const plan = [line('buy', 'SPY', '10'), line('buy', 'AAPL', '5')];
    await expect(w.run(BOOK_A, plan, { fault: crashAt('after-submit') })).rejects.toThrow();
    // Act
    const r = await w.run(BOOK_A, plan, {
      deps: { halt: { rail: 'strategy-disabled', reason: 'alpha is disabled' } },
    });
    // Assert
    expect(r.outcome).toBe('BLOCKED');
    expect(r.rail).toBe('strategy-disabled');
    expect(r.orders.map((o) => [o.symbol, o.status, o.filledQty])).toEqual([['SPY', 'FILLED', '10']]);
    expect(r.skipped.map((s) => [s.symbol, s.reason])).toEqual([
      ['AAPL', 'strategy-disabled: alpha is disabled'],
    ]);
    expect(await differences(w, '90000')).toEqual([]);
  });
});
