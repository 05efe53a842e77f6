/**
 * The history ceiling: a day's Step Functions history events computed from the definition (AWS's
 * accounting), equal to the contract's figures that PrepareRun and the CLI enforce, and to a local
 * execution's log counted the same way.
 */
import { describe, expect, it } from 'vitest';
import {
  HistoryEvents,
  historyBudget,
  historyCeilingProblem,
  historyEventsOfDay,
  MAX_STRATEGIES_PER_EXECUTION,
} from './contract.ts';
import { buildDefinition, localArns } from './definition.ts';
import {
  awsHistoryEventsOf,
  dayHistoryEvents,
  iterationHistoryEvents,
  paperBookHistoryEvents,
} from './history.ts';
import { runLocal } from './local-runner.ts';
import { fakeHandlers, syntheticStrategies } from './testing/index.ts';

const definition = buildDefinition({ functionArns: localArns() });

describe('history events of a day (AWS accounting)', () => {
  it('a per-book strategy costs 28 events, an aggregated one 11, as the contract says', () => {
    expect(iterationHistoryEvents(definition, 'per-book')).toBe(HistoryEvents.perBook);
    expect(iterationHistoryEvents(definition, 'aggregated')).toBe(HistoryEvents.aggregated);
    expect(dayHistoryEvents(definition, { perBook: 0, aggregated: 0 })).toBe(HistoryEvents.runWithoutPool);
    expect(dayHistoryEvents(definition, { perBook: 0, aggregated: 1 })).toBe(
      HistoryEvents.runWithPool + HistoryEvents.aggregated,
    );
  });

  it('a paper book (shadow mode) costs 7 events, and a day with paper books 9 more for the shadow states', () => {
    expect(paperBookHistoryEvents(definition)).toBe(HistoryEvents.paperBook);
    expect(dayHistoryEvents(definition, { perBook: 0, aggregated: 0, paperBooks: 1 })).toBe(
      HistoryEvents.runWithoutPool + HistoryEvents.shadowRun + HistoryEvents.paperBook,
    );
  });

  it.each([
    [1, 0, 0],
    [8, 2, 0],
    [8, 2, 3],
    [800, 200, 0],
    [712, 0, 0],
    [900, 0, 50],
    [2000, 500, 100],
  ])(
    'the contract’s count of %i per-book, %i aggregated and %i paper books equals the definition’s',
    (perBook, aggregated, paperBooks) => {
      expect(historyEventsOfDay({ perBook, aggregated, paperBooks })).toBe(
        dayHistoryEvents(definition, { perBook, aggregated, paperBooks }),
      );
    },
  );

  it('equals the events of a local execution of that day, counted as Step Functions writes them', async () => {
    const strategies = syntheticStrategies(10, 5);
    const fake = fakeHandlers({ strategies });
    const r = await runLocal({ definition, handlers: fake.handlers, input: {}, executionName: 'history' });
    expect(r.status).toBe('SUCCEEDED');
    const aggregated = strategies.filter((s) => s.flow === 'aggregated').length;
    expect(awsHistoryEventsOf(r.events)).toBe(
      dayHistoryEvents(definition, { perBook: strategies.length - aggregated, aggregated }),
    );
  });

  it('supports 712 per-book strategies per stage, leaving 20 % of the 25,000 events for retries and second runs', () => {
    expect(historyBudget()).toBe(20_000);
    expect(MAX_STRATEGIES_PER_EXECUTION).toBe(712);
    expect(historyCeilingProblem({ perBook: 712, aggregated: 0 })).toBeNull();
    // 700 strategies, every 5th aggregated, fit (the 1,000-strategy payload benchmark is two executions).
    expect(historyCeilingProblem({ perBook: 560, aggregated: 140 })).toBeNull();
    expect(historyCeilingProblem({ perBook: 800, aggregated: 200 })).not.toBeNull();
    expect(historyCeilingProblem({ perBook: 713, aggregated: 0 })).toBe(
      '713 enabled strategies (713 per-book, 0 aggregated) make a day of 20009 Step Functions history events; ' +
        'one execution holds at most 25000, and a day may use 20000 of them (the rest is kept for retries and ' +
        'second runs): at most 712 per-book strategies (an aggregated one costs about half). Disable some, or ' +
        'split them across stages (docs/workflow.md, "The history ceiling")',
    );
    // The margin: at the supported count, 100 branches can fail and run a second time (about 46 events
    // each: the failed iteration's extra RecordBranchFailure and BranchFailed, and the second run's own).
    const secondRuns = 100 * (4 + 5 + 2 + 2 + 21 + 12);
    expect(historyEventsOfDay({ perBook: 712, aggregated: 0 }) + secondRuns).toBeLessThan(
      HistoryEvents.limit,
    );
  });
});
