/**
 * Live progress of a local run from the workflow's event log: one line per strategy (evaluating, planning,
 * executing, done or failed, with elapsed time). On a terminal the block is redrawn in place; elsewhere
 * (pipes, CI, tests) each change of phase is printed once as its own line.
 */
import { StateNames, type WorkflowEvent } from '@ensemble/workflow';

type Phase = 'waiting' | 'evaluating' | 'planning' | 'executing' | 'recording failure' | 'done' | 'failed';

interface Line {
  strategyId: string;
  flow: string;
  phase: Phase;
  detail: string;
  startedAt: number;
  endedAt?: number;
}

const PHASE_OF_STATE: Record<string, Phase> = {
  Evaluate: 'evaluating',
  PlanRebalance: 'planning',
  Execute: 'executing',
  RecordBranchFailure: 'recording failure',
  RetryEvaluate: 'evaluating',
  RetryPlanRebalance: 'planning',
  RetryExecute: 'executing',
};

/** The Map that gives FAILED branches their second run: only the iterations that do run again are shown. */
const SECOND_RUN_MAP = StateNames.RetryFailedBranches;

const RUN_PHASE_OF_STATE: Record<string, string> = {
  PrepareRun: 'preparing the run (config, calendar, market-data snapshot)',
  AggregatePool: 'aggregating the pool',
  PlanPool: 'planning the pool',
  ExecutePool: 'executing the pool',
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
  private readonly lines = new Map<number, Line>();
  /** Iterations of the second-run Map that did run again (the others only pass their result through). */
  private readonly rerun = new Set<number>();
  private drawn = 0;
  private readonly options: ProgressOptions;

  constructor(options: ProgressOptions) {
    this.options = options;
  }

  /** Feed one event of the log. */
  onEvent = (e: WorkflowEvent): void => {
    const secondRun =
      (e.type === 'MapIterationStarted' ||
        e.type === 'MapIterationSucceeded' ||
        e.type === 'MapIterationFailed') &&
      e.state === SECOND_RUN_MAP;
    if (secondRun && (e.type === 'MapIterationStarted' || !this.rerun.has(e.iteration))) return;
    if (e.type === 'StateEntered' && e.state === StateNames.RetryFailedBranches) this.rerun.clear();
    if (e.type === 'StateEntered' && e.iteration !== undefined && e.state === 'RetryEvaluate') {
      this.rerun.add(e.iteration);
      const line = this.lines.get(e.iteration);
      if (line) {
        line.detail = 'second run';
        line.endedAt = undefined;
      }
    }
    if (e.type === 'MapIterationStarted') {
      const input = e.input as { strategyId?: string; flow?: string };
      const prior = this.lines.get(e.iteration);
      this.lines.set(e.iteration, {
        strategyId: input.strategyId ?? `#${e.iteration}`,
        flow: input.flow ?? '',
        phase: 'waiting',
        detail: '',
        startedAt: prior?.startedAt ?? e.at,
      });
      this.render(e.iteration);
      return;
    }
    if (e.type === 'StateEntered' && e.iteration !== undefined) {
      const line = this.lines.get(e.iteration);
      const phase = PHASE_OF_STATE[e.state];
      if (line && phase) {
        line.phase = phase;
        this.render(e.iteration);
      }
      return;
    }
    if (e.type === 'StateRetried' && e.iteration !== undefined) {
      const line = this.lines.get(e.iteration);
      if (line) {
        line.detail = `retry ${e.attempt} (${e.errorEquals.join(', ')})`;
        this.render(e.iteration);
      }
      return;
    }
    if (e.type === 'MapIterationSucceeded' || e.type === 'MapIterationFailed') {
      const line = this.lines.get(e.iteration);
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
      this.render(e.iteration);
      return;
    }
    if (e.type === 'StateEntered' && e.iteration === undefined) {
      const what = RUN_PHASE_OF_STATE[e.state];
      if (what) this.message(`  … ${what}`);
    }
  };

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

  private render(iteration: number): void {
    const line = this.lines.get(iteration);
    if (!line) return;
    if (!this.options.live) {
      if (line.phase === 'done' || line.phase === 'failed') this.options.write(`${this.format(line)}\n`);
      return;
    }
    // Redraw the whole block: move up over what was drawn, clear, write every line.
    const all = [...this.lines.keys()].sort((a, b) => a - b).map((k) => this.format(this.lines.get(k)!));
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    this.options.write(`${up}${all.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    this.drawn = all.length;
  }
}
