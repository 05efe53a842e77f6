/**
 * `ensemble redrive <runId>`: re-run a local execution's failed branches with their original input, then
 * the states after the Map — what Step Functions' redrive does in the console. Client order ids make it safe:
 * an order placed before the crash is found and adopted, never placed twice.
 */
import { resolve } from 'node:path';
import { redriveLocal } from '@ensemble/workflow';
import type { CliIO } from '../io.ts';
import { latestExecutionOfRun } from '../local/executions.ts';
import { resolveHome } from '../local/home.ts';
import { Progress } from '../local/progress.ts';
import { openSession } from '../local/session.ts';
import type { LocalBroker } from '../local/world.ts';
import { exitCodeOf, printDay, settleExecution } from './trade.ts';

export interface RedriveOptions {
  readonly runId: string;
  readonly config: string;
  readonly json: boolean;
  readonly home?: string;
  /** @default the broker the home trades with */
  readonly broker?: LocalBroker;
}

export async function redriveCommand(o: RedriveOptions, io: CliIO): Promise<number> {
  const home = resolveHome(o.home, io.env, io.cwd);
  const session = await openSession(home, resolve(io.cwd, o.config), {
    ...(o.broker ? { broker: o.broker } : {}),
    env: io.env,
  });
  try {
    const previous = await latestExecutionOfRun(home, o.runId);
    if (!previous) {
      io.err(`ensemble: no local execution of run ${o.runId} under ${home.root}`);
      return 1;
    }
    const run = await session.world.ledger.getRun(o.runId);
    if (run) await session.world.setDay(run.tradingDay);
    if (!o.json) io.out(`Ensemble — redriving ${previous.executionName} (run ${o.runId})`);
    const progress = new Progress({ write: (t) => io.out(t.replace(/\n$/, '')), live: io.tty === true });
    const started = performance.now();
    const execution = await redriveLocal({
      definition: session.definition,
      handlers: session.handlers(),
      previous,
      retryDelayScale: 0.01,
      ...(io.signal ? { signal: io.signal } : {}),
      ...(o.json ? {} : { onEvent: progress.onEvent }),
    });
    const report = await settleExecution(session, home, execution, o.runId, started);
    printDay(io, execution, report, o.json);
    return exitCodeOf(execution, report);
  } finally {
    await session.close();
  }
}
