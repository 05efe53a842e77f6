import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createLocalDynamoClient } from './embedded.ts';
import { LedgerPersistenceError } from './errors.ts';
import { runIdOf } from './repository/index.ts';
import { forEachServer, newTestLedger, type TestLedger } from './testing/index.ts';

const runInput = {
  tradingDay: '2025-01-02',
  stage: 'rebalance',
  asOf: '2025-01-02',
  dataSnapshot: 'bars@sha256:abc',
  flows: { alpha: 'per-book', beta: 'aggregated' } as const,
};

forEachServer('ledger runs', (endpoint, server) => {
  describe('createRun / updateRunStatus', () => {
    it('creates a run once per day and stage and returns the existing one after', async () => {
      // Arrange
      const { ledger } = await newTestLedger(endpoint());
      // Act
      const first = await ledger.createRun(runInput);
      const again = await ledger.createRun(runInput);
      const changed = await ledger.createRun({ ...runInput, dataSnapshot: 'other' });
      // Assert
      expect(first.status).toBe('created');
      expect(again).toEqual({
        status: 'exists',
        item: await ledger.getRun(runIdOf('2025-01-02', 'rebalance')),
      });
      expect(changed.status).toBe('conflict');
      expect(await ledger.getRun('2025-01-02.close')).toBeNull();
    });

    it('moves status only from the expected one, and recognises its own replay', async () => {
      const { ledger } = await newTestLedger(endpoint());
      await ledger.createRun(runInput);
      const runId = runIdOf('2025-01-02', 'rebalance');
      const done = await ledger.updateRunStatus({ runId, expected: 'RUNNING', status: 'SUCCEEDED' });
      const replay = await ledger.updateRunStatus({ runId, expected: 'RUNNING', status: 'SUCCEEDED' });
      const stale = await ledger.updateRunStatus({ runId, expected: 'RUNNING', status: 'FAILED' });
      const missing = await ledger.updateRunStatus({ runId: 'nope', expected: 'RUNNING', status: 'FAILED' });
      expect(done.status).toBe('updated');
      expect(replay.status).toBe('replayed');
      expect(stale).toMatchObject({ status: 'conflict', current: { status: 'SUCCEEDED' } });
      expect(missing).toEqual({ status: 'conflict', current: null });
      const run = await ledger.getRun(runId);
      expect(run?.statusHistory.map((h) => h.status)).toEqual(['RUNNING', 'SUCCEEDED']);
      expect(run?.finishedAt).toBe('2025-01-02T21:00:00.000Z');
    });

    it('lists runs over an inclusive day range, page by page', async () => {
      const { ledger } = await newTestLedger(endpoint());
      for (let d = 1; d <= 9; d++) {
        for (const stage of ['close', 'rebalance']) {
          await ledger.createRun({ ...runInput, tradingDay: `2025-02-0${d}`, stage });
        }
      }
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await ledger.listRuns({ from: '2025-02-02', to: '2025-02-05', limit: 3, cursor });
        ids.push(...page.data.map((r) => r.runId));
        cursor = page.cursor;
      } while (cursor);
      expect(ids).toEqual(
        ['02', '03', '04', '05'].flatMap((d) => [`2025-02-${d}.close`, `2025-02-${d}.rebalance`]),
      );
    });
  });

  describe('Run.flows', () => {
    const key = { pk: '$ensemble#runId_2025-01-02.rebalance', sk: '$run_1' };
    /** Replace the stored run item by `change(item)`, as another writer (or an older version) would. */
    const rewrite = async (
      t: TestLedger,
      change: (item: Record<string, unknown>) => Record<string, unknown>,
    ) => {
      const doc = DynamoDBDocumentClient.from(createLocalDynamoClient(t.endpoint));
      const { Item } = await doc.send(new GetCommand({ TableName: t.table, Key: key }));
      await doc.send(new PutCommand({ TableName: t.table, Item: change(Item ?? {}) }));
    };

    it('stores the flow of each strategy and returns it on every read', async () => {
      // Arrange
      const { ledger } = await newTestLedger(endpoint());
      // Act
      await ledger.createRun(runInput);
      // Assert
      expect((await ledger.getRun('2025-01-02.rebalance'))?.flows).toEqual(runInput.flows);
      expect((await ledger.listRuns()).data[0]?.flows).toEqual(runInput.flows);
      expect((await ledger.getRunTimeline('2025-01-02.rebalance')).data.runs[0]?.flows).toEqual(
        runInput.flows,
      );
    });

    // The next two rewrite the stored DynamoDB item (as an older version or another writer would): the
    // memory ledger has no raw items, and every record it holds was written through its typed API.
    it.skipIf(server.kind === 'memory')(
      'reads a run recorded before runs stored flows (it kept flow flags) as having none',
      async () => {
        // Arrange: the item as the previous version wrote it.
        const t = await newTestLedger(endpoint());
        await t.ledger.createRun(runInput);
        await rewrite(t, ({ flows: _flows, ...item }) => ({ ...item, flags: { 'flow:alpha': 'per-book' } }));
        // Act
        const run = await t.ledger.getRun('2025-01-02.rebalance');
        // Assert
        expect(run?.flows).toEqual({});
        expect(run?.dataSnapshot).toBe(runInput.dataSnapshot);
        expect(run).not.toHaveProperty('flags');
      },
    );

    it.skipIf(server.kind === 'memory')(
      'fails the read of a run whose stored flows are not flows',
      async () => {
        // Arrange
        const t = await newTestLedger(endpoint());
        await t.ledger.createRun(runInput);
        await rewrite(t, (item) => ({ ...item, flows: { alpha: 'pooled' } }));
        // Act / Assert
        await expect(t.ledger.getRun('2025-01-02.rebalance')).rejects.toBeInstanceOf(LedgerPersistenceError);
      },
    );
  });

  describe('strategy runs, signals, plans, attributions', () => {
    it('records each once, reports a different second outcome as a conflict, and lists by strategy', async () => {
      const { ledger } = await newTestLedger(endpoint());
      const sr = {
        runId: '2025-01-02.rebalance',
        tradingDay: '2025-01-02',
        strategyId: 'tqqq-ftlt',
        flow: 'per-book' as const,
        outcome: 'TRADED' as const,
        startedAt: '2025-01-02T20:50:00.000Z',
        finishedAt: '2025-01-02T20:51:00.000Z',
      };
      expect((await ledger.recordStrategyRun(sr)).status).toBe('created');
      expect((await ledger.recordStrategyRun(sr)).status).toBe('exists');
      const failed = await ledger.recordStrategyRun({
        ...sr,
        outcome: 'FAILED',
        error: { name: 'EvaluationError', message: 'boom' },
      });
      expect(failed).toMatchObject({ status: 'conflict', current: { outcome: 'TRADED' } });
      await ledger.recordStrategyRun({ ...sr, runId: '2025-01-03.rebalance', tradingDay: '2025-01-03' });
      expect(
        (await ledger.listStrategyRunsOfStrategy('tqqq-ftlt', { from: '2025-01-03' })).data,
      ).toHaveLength(1);
      expect((await ledger.listStrategyRunsOfRun('2025-01-02.rebalance')).data).toHaveLength(1);

      const signal = {
        runId: sr.runId,
        tradingDay: sr.tradingDay,
        strategyId: sr.strategyId,
        traceRef: 'tr',
      };
      await ledger.recordSignal({ ...signal, weights: { TQQQ: '1' } });
      expect((await ledger.recordSignal({ ...signal, weights: { TQQQ: '0.5', BIL: '0.5' } })).status).toBe(
        'conflict',
      );
      expect((await ledger.getSignal(sr.runId, sr.strategyId))?.weights).toEqual({ TQQQ: '1' });
      expect((await ledger.listSignalsOfStrategy('tqqq-ftlt')).data).toHaveLength(1);

      const plan = {
        runId: sr.runId,
        tradingDay: sr.tradingDay,
        bookId: 'strategy#tqqq-ftlt' as const,
        orders: [
          {
            symbol: 'TQQQ',
            side: 'buy' as const,
            qty: '10',
            price: '100',
            notional: '1000',
            reason: 'target 100%',
          },
        ],
      };
      expect((await ledger.recordPlan(plan)).status).toBe('created');
      expect((await ledger.recordPlan(plan)).status).toBe('exists');
      expect((await ledger.getPlan(sr.runId, 'strategy#tqqq-ftlt'))?.orders).toEqual(plan.orders);
      expect((await ledger.listPlansOfBook('strategy#tqqq-ftlt', { to: '2025-01-02' })).data).toHaveLength(1);

      const attribution = {
        runId: sr.runId,
        tradingDay: sr.tradingDay,
        strategyId: 'agg-1',
        fraction: '0.25',
        capital: '2500',
        weights: { SPY: '1' },
        holdings: { SPY: '4.5' },
      };
      await ledger.recordPoolAttribution(attribution);
      expect((await ledger.recordPoolAttribution(attribution)).status).toBe('exists');
      expect((await ledger.listPoolAttributionsOfRun(sr.runId)).data).toHaveLength(1);
      expect((await ledger.listPoolAttributionsOfStrategy('agg-1')).data[0]?.holdings).toEqual({
        SPY: '4.5',
      });
    });
  });

  describe('getRunTimeline', () => {
    it('returns every record of a run across pages', async () => {
      const { ledger } = await newTestLedger(endpoint());
      await ledger.createRun(runInput);
      const runId = runIdOf('2025-01-02', 'rebalance');
      for (let i = 0; i < 12; i++) {
        const strategyId = `s${String(i).padStart(2, '0')}`;
        await ledger.recordSignal({
          runId,
          tradingDay: '2025-01-02',
          strategyId,
          weights: {},
          traceRef: 't',
        });
        await ledger.recordOrderIntent({
          clientOrderId: `${runId}:${strategyId}:SPY:buy`,
          runId,
          tradingDay: '2025-01-02',
          bookId: `strategy#${strategyId}`,
          symbol: 'SPY',
          side: 'buy',
          requestedNotional: '100',
        });
      }
      // Another run's records must not show up.
      await ledger.recordSignal({
        runId: '2025-01-03.rebalance',
        tradingDay: '2025-01-03',
        strategyId: 's00',
        weights: {},
        traceRef: 't',
      });
      let cursor: string | null = null;
      let pages = 0;
      const seen = { runs: 0, signals: 0, orders: 0 };
      do {
        const page = await ledger.getRunTimeline(runId, { limit: 5, cursor });
        seen.runs += page.data.runs.length;
        seen.signals += page.data.signals.length;
        seen.orders += page.data.orders.length;
        cursor = page.cursor;
        pages++;
      } while (cursor);
      expect(pages).toBeGreaterThan(4);
      expect(seen).toEqual({ runs: 1, signals: 12, orders: 12 });
    });
  });
});
