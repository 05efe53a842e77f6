/**
 * The one wrapper of every Lambda handler: Powertools Logger (Lambda context, and runId / strategyId /
 * tradingDay on every line of the invocation), Powertools Parser with the task's contract schema, the step,
 * output validated, Powertools Metrics (EMF: Duration per task; BranchOutcome, Orders, Fills, RailTripped
 * where they apply). Errors are rethrown as they are, so Lambda reports `errorType` = the error's stable
 * `name` and the state machine's Retry/Catch match it. The application context is built once per
 * container, lazily; a handler passes the trading ports (`trading-ports.ts`) only when its step uses them.
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parse } from '@aws-lambda-powertools/parser';
import {
  type AppContext,
  issueLines,
  runTask,
  type StepDeps,
  stepDeps,
  type TaskDefinition,
  TaskInputInvalidError,
} from '@ensemble/app';
import { describeError } from '@ensemble/core';
import type { TaskName } from '@ensemble/workflow/contract';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { contextFromEnv, type TradingPorts } from '../context-from-env.ts';
import { logger, metrics } from '../powertools.ts';

let buildContext: ((trading: TradingPorts | undefined) => Promise<AppContext>) | undefined;
let deps: Promise<StepDeps> | undefined;

/**
 * Replaces how the container builds its application context (tests, or a composition other than the
 * environment's); `undefined` restores the environment's. The next invocation builds it anew.
 */
export const setContextFactory = (factory: (() => Promise<AppContext>) | undefined): void => {
  buildContext = factory;
  deps = undefined;
};

const depsOnce = (trading: TradingPorts | undefined): Promise<StepDeps> => {
  deps ??= (buildContext ?? ((t) => contextFromEnv(t)))(trading).then(stepDeps);
  // A failed cold start is not cached: the next invocation tries again.
  deps.catch(() => {
    deps = undefined;
  });
  return deps;
};

/** A Lambda handler. */
export type TaskHandler = (event: unknown, context: Context) => Promise<unknown>;

/** The Lambda handler of `task`; `trading` when its step uses the broker or market data. */
export const taskHandler =
  <I extends z.ZodType, O extends z.ZodType>(
    task: TaskDefinition<I, O>,
    trading?: TradingPorts,
  ): TaskHandler =>
  async (event, context) => {
    const { name } = task;
    const started = performance.now();
    logger.resetKeys();
    logger.addContext(context);
    logger.appendKeys({ task: name });
    try {
      const parsed = parse(event, undefined, task.input, true);
      if (!parsed.success) {
        throw new TaskInputInvalidError(name, issueLines(zodIssues(parsed.error)));
      }
      logger.appendKeys(keysOf(parsed.data));
      logger.info('task started');
      // Powertools infers the schema's output in Standard Schema terms; for a zod schema it is z.output<I>.
      const output = await runTask(task, await depsOnce(trading), parsed.data as z.output<I>);
      logger.appendKeys(keysOf(output));
      countOutput(name, output);
      logger.info('task done', { output });
      return output;
    } catch (e) {
      logger.error('task failed', { error: describeError(e) });
      throw e;
    } finally {
      metrics.addDimension('Task', name);
      metrics.addMetric('Duration', MetricUnit.Milliseconds, performance.now() - started);
      metrics.publishStoredMetrics();
    }
  };

/** The keys every log line of the invocation carries, from the task's input or output. */
const keysOf = (value: unknown): Record<string, string> => {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of ['runId', 'strategyId', 'tradingDay'] as const) if (typeof v[k] === 'string') out[k] = v[k];
  return out;
};

/** The issues of a Powertools ParseError (its `cause`: Standard Schema issues). */
const zodIssues = (error: unknown): { path: PropertyKey[]; message: string }[] => {
  const cause = (error as { cause?: unknown })?.cause;
  if (!Array.isArray(cause)) return [{ path: [], message: (error as Error)?.message ?? String(error) }];
  return cause.map((i: { path?: readonly unknown[]; message?: string }) => ({
    path: (i.path ?? []).map((p) =>
      typeof p === 'object' && p !== null && 'key' in p
        ? (p as { key: PropertyKey }).key
        : (p as PropertyKey),
    ),
    message: i.message ?? 'invalid',
  }));
};

/** EMF counts of a task's output: branch outcome, orders, fills, rail tripped. */
const countOutput = (name: TaskName, output: unknown): void => {
  const o = output as { outcome?: string; orders?: number; filled?: number; rail?: string };
  if (o.outcome !== undefined && name !== 'PrepareRun') {
    const single = metrics.singleMetric();
    single.addDimension('Outcome', o.outcome);
    single.addMetric('BranchOutcome', MetricUnit.Count, 1);
  }
  if (name === 'Execute' || name === 'ExecutePool') {
    metrics.addMetric('Orders', MetricUnit.Count, o.orders ?? 0);
    metrics.addMetric('Fills', MetricUnit.Count, o.filled ?? 0);
    metrics.addMetric('RailTripped', MetricUnit.Count, o.rail === undefined ? 0 : 1);
  }
};
