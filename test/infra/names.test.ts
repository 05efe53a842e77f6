/** The names the stack, the scheduled starter and `ensemble cloud` must agree on. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as cli from '../../packages/cli/src/cloud/naming.ts';
import * as starter from '../../packages/functions/src/handlers/start-execution.ts';
import { ROOT } from './derive.ts';

describe('shared names', () => {
  it('the stacks own the names of the state machine and the ledger table, and the CLI uses them', () => {
    const config = readFileSync(join(ROOT, 'sst.config.ts'), 'utf8');
    const stack = (f: string) => readFileSync(join(ROOT, 'stacks', f), 'utf8');
    const NAMES = /import \{[^}]*\} from '\.\/resource-names\.ts';/;
    const naming = readFileSync(join(ROOT, 'packages/cli/src/cloud/naming.ts'), 'utf8');
    expect(naming).toMatch(/from '@ensemble\/stacks\/resource-names';/);
    expect(config).toMatch(new RegExp(`name: '${cli.APP_NAME}',`));
    expect(stack('workflow.ts')).toMatch(NAMES);
    expect(stack('workflow.ts')).toMatch(/\n {4}name: stateMachineNameOf\(\$app\.stage\),/);
    expect(stack('table.ts')).toMatch(NAMES);
    expect(stack('table.ts')).toMatch(
      /transform: \{ table: \{ name: ledgerTableNameOf\(\$app\.stage\) \} \}/,
    );
    expect(cli.stateMachineNameOf('prod')).toBe('ensemble-prod');
    expect(cli.ledgerTableNameOf('prod')).toBe('ensemble-prod-ledger');
  });

  it('the starter and the CLI name a day’s execution the same way', () => {
    // Seeded sweep over 2024–2026 (every 5d7h13m), covering both DST switches and UTC midnights.
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2027, 0, 1); t += 458_000_000) {
      const at = new Date(t);
      expect(cli.newYorkDay(at)).toBe(starter.newYorkDay(at));
      expect(cli.executionNameOf(cli.newYorkDay(at))).toBe(starter.executionNameOf(starter.newYorkDay(at)));
    }
    for (const iso of [
      '2025-03-09T06:59:59Z',
      '2025-03-09T07:00:00Z',
      '2025-11-02T05:59:59Z',
      '2025-11-02T06:00:00Z',
    ]) {
      expect(cli.newYorkDay(new Date(iso))).toBe(starter.newYorkDay(new Date(iso)));
    }
  });

  it('builds execution ARNs from the state machine ARN', () => {
    expect(cli.executionArnOf('arn:aws:states:us-east-1:1:stateMachine:ensemble-prod', '2025-06-02')).toBe(
      'arn:aws:states:us-east-1:1:execution:ensemble-prod:2025-06-02',
    );
  });
});
