/** Stage settings, the schedule and the alarms, as data. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ExecuteOutput,
  FinalizeOutput,
  RecordBranchFailureOutput,
  type TaskName,
} from '../../packages/workflow/src/contract.ts';
import { ALARMS } from '../../stacks/alarm-specs.ts';
import { DAILY_SCHEDULE } from '../../stacks/schedule-spec.ts';
import { CONFIGURED_STAGES, stageSettings } from '../../stacks/stages.ts';
import { ROOT } from './derive.ts';

describe('stage settings', () => {
  it('trades paper unless the stage is configured live', () => {
    expect(stageSettings('alice').tradingMode).toBe('paper');
    expect(stageSettings('prod').tradingMode).toBe(CONFIGURED_STAGES.prod?.tradingMode ?? 'paper');
    // The environment cannot switch a stage to live.
    expect(stageSettings('alice', { ENSEMBLE_TRADING_MODE: 'live' }).tradingMode).toBe('paper');
  });

  it('takes the alarm e-mail from the environment and rejects a malformed one', () => {
    expect(stageSettings('prod', { ENSEMBLE_ALARM_EMAIL: 'ops@example.com' }).alarmEmail).toBe(
      'ops@example.com',
    );
    expect(stageSettings('alice').alarmEmail).toBeUndefined();
    expect(() => stageSettings('prod', { ENSEMBLE_ALARM_EMAIL: 'not-an-address' })).toThrow(/e-mail/);
  });

  it('sst.config.ts retains and protects exactly the production stages', () => {
    const config = readFileSync(join(ROOT, 'sst.config.ts'), 'utf8');
    const list = /const production = \[([^\]]*)\]\.includes/.exec(config)?.[1] ?? '';
    const inConfig = [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]).sort();
    const production = Object.entries(CONFIGURED_STAGES)
      .filter(([, c]) => c.production)
      .map(([s]) => s)
      .sort();
    expect(inConfig).toEqual(production);
    expect(stageSettings('prod').production).toBe(true);
    expect(stageSettings('alice').scheduleEnabled).toBe(false);
  });
});

describe('daily schedule', () => {
  it('fires at 15:45 New York time, Monday to Friday', () => {
    expect(DAILY_SCHEDULE.expression).toBe('cron(45 15 ? * MON-FRI *)');
    expect(DAILY_SCHEDULE.timezone).toBe('America/New_York');
    expect(DAILY_SCHEDULE.input).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
  });
});

describe('alarms', () => {
  it('cover every condition of the issue', () => {
    const ids = ALARMS.map((a) => a.id);
    for (const id of [
      'ExecutionFailed',
      'ExecutionTimedOut',
      'BranchFailed',
      'BranchBlocked',
      'KillSwitchOn',
      'ReconciliationDifference',
    ]) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('filter on output fields that the filtered tasks really return', () => {
    const outputs: Partial<Record<TaskName, { shape: Record<string, unknown> }>> = {
      Execute: ExecuteOutput,
      ExecutePool: ExecuteOutput,
      RecordBranchFailure: RecordBranchFailureOutput,
      Finalize: FinalizeOutput,
    };
    for (const a of ALARMS) {
      if (a.source.kind !== 'log') continue;
      for (const task of a.source.functions) {
        let shape: Record<string, unknown> | undefined = outputs[task]?.shape;
        for (const key of a.source.field.split('.')) {
          expect(shape, `${a.id}: ${task} output has no ${a.source.field}`).toHaveProperty(key);
          const next = shape?.[key] as {
            shape?: Record<string, unknown>;
            unwrap?: () => { shape?: unknown };
          };
          shape = next?.shape ?? (next?.unwrap?.().shape as Record<string, unknown> | undefined);
        }
      }
      expect(a.source.pattern).toContain(`$.output.${a.source.field}`);
    }
  });

  it('match the line the handlers log after every task', () => {
    const wrap = readFileSync(join(ROOT, 'packages/functions/src/handlers/wrap.ts'), 'utf8');
    expect(wrap).toMatch(/logger\.info\('task done', \{ output \}\)/);
    for (const a of ALARMS)
      if (a.source.kind === 'log') expect(a.source.pattern).toMatch(/\$\.message = "task done"/);
  });
});
