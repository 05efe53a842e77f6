/**
 * Live progress of a local run from the workflow's event log: one line per strategy (evaluating, planning,
 * executing, done or failed, with elapsed time). On a terminal the block is redrawn in place; elsewhere
 * (pipes, CI, tests) each change of phase is printed once as its own line.
 */
import { StateNames, type TaskName, taskOfStateName, type WorkflowEvent } from '@ensemble/workflow';

type Phase =
  | 'waiting'
  | 'evaluating'
  | 'planning'
  | 'executing'
  | 'recording failure'
  | 'paper trading'
  | 'done'
  | 'failed';

interface Line {
  strategyId: string;
  flow: string;
  phase: Phase;
  detail: string;
  startedAt: number;
  endedAt?: number;
}

/** The phase a strategy is in while a task runs for it (first run or second: the same task). */
const PHASE_OF_TASK: Partial<Record<TaskName, Phase>> = {
  Evaluate: 'evaluating',
  PlanRebalance: 'planning',
  Execute: 'executing',
  RecordBranchFailure: 'recording failure',
  Shadow: 'paper trading',
};
const phaseOf = (state: string): Phase | undefined => {
  const task = taskOfStateName(state);
  return task === undefined ? undefined : PHASE_OF_TASK[task];
};
/** The Map that gives FAILED branches their second run (its iterations are those branches alone). */
const SECOND_RUN_MAP = StateNames.RetryFailedBranches;

const RUN_PHASE_OF_STATE: Record<string, string> = {
  PrepareRun: 'preparing the run (config, calendar, market-data snapshot)',
  AggregatePool: 'aggregating the pool',
  PlanPool: 'planning the pool',
  NetOrders: 'netting opposite orders between books',
  ExecutePoolSells: 'the pool’s sells (every book sells before any buys)',
  ExecutePool: 'executing the pool',
  PrepareShadows: 'preparing the paper books (shadow mode)',
  Finalize: 'finalizing (NAV, reconciliation)',
  RetryFailedBranches: 'second run of the FAILED branches',
  RetryPool: 'second run of the FAILED pool',
  FinalizeRetried: 'finalizing again after the second run',
};

export interface ProgressOptions {
  readonly write: (text: string) => void;
  /** Redraw in place (a terminal) or append lines. */
  readonly live: boolean;
}

export class Progress {
  /** One line per strategy, in the order their iterations first started. */
  private readonly lines = new Map<string, Line>();
  /** `<map>:<iteration>` → strategy id. */
  private readonly slots = new Map<string, string>();
  /** The run-level Map state running now. */
  private map = '';
  private drawn = 0;
  private readonly options: ProgressOptions;

  constructor(options: ProgressOptions) {
    this.options = options;
  }

  /** Feed one event of the log. */
  onEvent = (e: WorkflowEvent): void => {
    // Lines are per strategy; an iteration index names a strategy only within its Map (the second-run Map
    // iterates over the failed branches alone), and the run-level Maps never overlap.
    if (e.type === 'StateEntered' && e.iteration === undefined && e.stateType === 'Map') this.map = e.state;
    if (e.type === 'MapIterationStarted') {
      const input = e.input as { strategyId?: string; flow?: string; bookId?: string };
      // A paper book (shadow mode) has its own line: `paper <strategy>`, or `paper pool`.
      const paper =
        input.bookId === undefined ? undefined : `paper ${input.bookId.replace(/^strategy#/, '')}`;
      const id = input.strategyId ?? paper ?? `#${e.iteration}`;
      this.slots.set(`${e.state}:${e.iteration}`, id);
      const prior = this.lines.get(id);
      this.lines.set(id, {
        strategyId: id,
        flow: input.flow ?? prior?.flow ?? '',
        phase: 'waiting',
        detail: e.state === SECOND_RUN_MAP ? 'second run' : '',
        startedAt: prior?.startedAt ?? e.at,
      });
      this.render(id);
      return;
    }
    if (e.type === 'StateEntered' && e.iteration !== undefined) {
      const line = this.lineOf(this.map, e.iteration);
      const phase = phaseOf(e.state);
      if (line && phase) {
        line.phase = phase;
        this.render(line.strategyId);
      }
      return;
    }
    if (e.type === 'StateRetried' && e.iteration !== undefined) {
      const line = this.lineOf(this.map, e.iteration);
      if (line) {
        line.detail = `retry ${e.attempt} (${e.errorEquals.join(', ')})`;
        this.render(line.strategyId);
      }
      return;
    }
    if (e.type === 'MapIterationSucceeded' || e.type === 'MapIterationFailed') {
      const line = this.lineOf(e.state, e.iteration);
      if (!line) return;
      const out = (e.type === 'MapIterationSucceeded' ? e.output : {}) as { outcome?: string };
      const outcome = e.type === 'MapIterationFailed' ? 'FAILED' : (out.outcome ?? 'done');
      line.phase = outcome === 'FAILED' || outcome === 'BLOCKED' ? 'failed' : 'done';
      line.detail =
        e.type === 'MapIterationFailed'
          ? `${e.error.Error}: ${e.error.Cause}`
          : line.flow === 'aggregated'
            ? 'evaluated; trades in the pool'
            : outcome;
      if (line.phase === 'failed' && e.type === 'MapIterationSucceeded') line.detail = outcome;
      line.endedAt = e.at;
      this.render(line.strategyId);
      return;
    }
    if (e.type === 'StateEntered' && e.iteration === undefined) {
      const what = RUN_PHASE_OF_STATE[e.state];
      if (what) this.message(`  … ${what}`);
    }
  };

  /** The line of the strategy that iteration `iteration` of Map `map` runs. */
  private lineOf(map: string, iteration: number): Line | undefined {
    const id = this.slots.get(`${map}:${iteration}`);
    return id === undefined ? undefined : this.lines.get(id);
  }

  private message(text: string): void {
    if (this.options.live) {
      this.drawn = 0;
    }
    this.options.write(`${text}\n`);
  }

  private format(line: Line): string {
    const end = line.endedAt ?? Date.now();
    const elapsed = `${((end - line.startedAt) / 1000).toFixed(1)}s`;
    const mark = line.phase === 'done' ? '✓' : line.phase === 'failed' ? '✗' : '·';
    const id = line.strategyId.padEnd(24);
    const phase = line.phase.padEnd(12);
    return `  ${mark} ${id} ${phase} ${elapsed.padStart(6)}  ${line.detail}`.trimEnd();
  }

  private render(id: string): void {
    const line = this.lines.get(id);
    if (!line) return;
    if (!this.options.live) {
      if (line.phase === 'done' || line.phase === 'failed') this.options.write(`${this.format(line)}\n`);
      return;
    }
    // Redraw the whole block: move up over what was drawn, clear, write every line.
    const all = [...this.lines.values()].map((l) => this.format(l));
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    this.options.write(`${up}${all.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    this.drawn = all.length;
  }
}
