/**
 * Recovery as an operator meets it, with the real command in child processes: a failed day and its re-run,
 * a lost execution log, the kill switch lifted, a strategy disabled since the failure, a second process on
 * a home in use, a home left half-created, and `kill -9` at seeded moments. Every failure's output ends
 * with the command that recovers (`Next: ensemble …`); following those commands must bring the day to the
 * books of a clean day — the same orders, the same fills (no duplicate, none lost) — and a reconciled
 * account. Each test has its own home.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOnce, type ChildResult, ensemble, nextCommand, seeded, start } from '../support/child.ts';
import { runCli, strategiesWith, tempDirs } from '../support/cli.ts';
import { makeDamagedDb, makeHalfCreatedDb } from '../support/half-created.ts';

const DAY = '2025-11-28';
const RUN = `${DAY}.local`;
const dirs = tempDirs('ensemble-recovery-');
afterAll(dirs.cleanup);

interface Order {
  clientOrderId: string;
  symbol: string;
  side: string;
  status: string;
  filledQty: string;
}
interface DayJson {
  runId: string;
  status: string;
  strategies: { id: string; outcome: string; error?: { name: string; message: string }; orders: Order[] }[];
  pool: { orders: Order[] } | null;
  reconciliation: { ok: boolean; differences: unknown[] };
  execution: { name: string; status: string; skipped?: string };
  next?: string;
}

const lastJson = (r: ChildResult): DayJson => JSON.parse(r.stdout.trim().split('\n').at(-1) ?? 'null');
const orders = (d: DayJson) => [...d.strategies.flatMap((s) => s.orders), ...(d.pool?.orders ?? [])];
const fills = (d: DayJson) =>
  Object.fromEntries(
    orders(d).map((o) => [o.clientOrderId, `${o.side} ${o.symbol} ${o.filledQty} ${o.status}`]),
  );
const said = (r: ChildResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

/** The day as it stands, read back by a skipped re-run (which prints the run's report). */
const dayOf = async (home: string, config?: string): Promise<DayJson> =>
  lastJson(
    await ensemble(['run', '--json', '--home', home, '--date', DAY, ...(config ? ['--config', config] : [])]),
  );

/**
 * Follows the `Next:` commands from `first` until one exits 0 (at most `steps`); every command must end
 * before its deadline, and every failure must name its next command. Returns the commands run.
 */
const recover = async (first: string[], steps = 4): Promise<string[][]> => {
  const ran: string[][] = [];
  let command: string[] | null = first;
  for (let i = 0; i < steps && command; i++) {
    const r = await ensemble(command, { deadlineMs: 120_000 });
    ran.push(command);
    expect(r.timedOut, `${command.join(' ')} hung:\n${said(r)}`).toBe(false);
    if (r.code === 0) return ran;
    expect(r.code, `${command.join(' ')}:\n${said(r)}`).toBe(1);
    command = nextCommand(r);
    expect(
      command,
      `${ran.at(-1)?.join(' ')} failed without naming the next command:\n${said(r)}`,
    ).not.toBeNull();
  }
  throw new Error(`not recovered after ${steps} commands: ${ran.map((c) => c.join(' ')).join(' → ')}`);
};

let clean: DayJson;

beforeAll(async () => {
  await bundleOnce();
  const home = await dirs.make();
  const r = await runCli(['run', '--json', '--home', home, '--date', DAY]);
  expect(r.code, r.err.join('\n')).toBe(0);
  clean = JSON.parse(r.out.at(-1)!) as DayJson;
}, 180_000);

describe('recovering a failed day', () => {
  it('a re-run of the failed day says to redrive (exit 1); the redrive finds the failed execution, not the re-run; a second redrive has nothing to do', async () => {
    const home = await dirs.make();
    const failed = await ensemble([
      'run',
      '--home',
      home,
      '--date',
      DAY,
      '--fault',
      'execute:tqqq-ftlt-2:after-submit',
    ]);
    expect(failed.code, said(failed)).toBe(1);
    expect(nextCommand(failed)).toEqual(['redrive', RUN, '--home', home]);

    const rerun = await ensemble(['run', '--home', home, '--date', DAY]);
    expect(rerun.code, said(rerun)).toBe(1);
    expect(rerun.stdout).toContain('Skipped: already ran (FAILED)');
    expect(nextCommand(rerun)).toEqual(['redrive', RUN, '--home', home]);

    const redriven = await ensemble(['redrive', DAY, '--home', home, '--json']);
    expect(redriven.code, said(redriven)).toBe(0);
    const day = lastJson(redriven);
    expect(day.execution.name).toBe(DAY);
    expect(day.reconciliation.ok).toBe(true);
    expect(fills(day)).toEqual(fills(clean));

    const again = await ensemble(['redrive', RUN, '--home', home]);
    expect(again.code, said(again)).toBe(0);
    expect(again.stdout).toContain(`Run ${RUN} SUCCEEDED: nothing to redrive`);
    expect(again.stderr).not.toMatch(/internal error|\n\s+at /);
  }, 300_000);

  it('with the execution log lost, repair books the broker’s orders from their client order ids alone, and the redrive reopens the day', async () => {
    const home = await dirs.make();
    const failed = await ensemble([
      'run',
      '--home',
      home,
      '--date',
      DAY,
      '--fault',
      'execute:tqqq-ftlt-2:after-submit',
    ]);
    expect(failed.code, said(failed)).toBe(1);
    expect(failed.stdout).toMatch(/LABU\s+ledger 0\s+broker 38\.609436999/);
    await rm(join(home, 'runs'), { recursive: true });
    await mkdir(join(home, 'runs'));

    const repaired = await ensemble(['repair', DAY, '--home', home]);
    expect(repaired.code, said(repaired)).toBe(0);
    expect(repaired.stdout).toMatch(
      /buy\s+LABU\s+FILLED\s+caught up with the broker, 38\.609436999 sh booked/,
    );
    expect(repaired.stdout).toContain('Reconciliation: OK');
    expect(nextCommand(repaired)).toEqual(['redrive', RUN, '--home', home]);
    // Repairing twice books nothing more.
    const twice = await ensemble(['repair', DAY, '--home', home, '--json']);
    expect(
      JSON.parse(twice.stdout).orders.filter(
        (o: { action: string }) => o.action !== 'unchanged' && o.action !== 'not-at-broker',
      ),
    ).toEqual([]);

    const reopened = await ensemble(['redrive', DAY, '--home', home, '--json']);
    expect(reopened.code, said(reopened)).toBe(0);
    expect(fills(lastJson(reopened))).toEqual(fills(clean));
  }, 300_000);

  it('a truncated execution log is named and ignored, never a stack trace', async () => {
    const home = await dirs.make();
    const failed = await ensemble([
      'run',
      '--home',
      home,
      '--date',
      DAY,
      '--fault',
      'execute:tqqq-ftlt-2:after-submit',
    ]);
    expect(failed.code).toBe(1);
    await writeFile(join(home, 'runs', `${DAY}.json`), '{"executionName":"2025-11-28","exec');
    const r = await ensemble(['redrive', DAY, '--home', home, '--json']);
    expect(r.stderr).toMatch(/runs\/2025-11-28\.json is not an execution log \(truncated\?\): ignored/);
    expect(r.code, said(r)).toBe(0);
    expect(fills(lastJson(r))).toEqual(fills(clean));
  }, 300_000);
});

describe('the kill switch and disabled strategies', () => {
  it('a day the kill switch BLOCKED trades once it is lifted: the redrive is refused while it is on, and named once it is off', async () => {
    const home = await dirs.make();
    expect((await ensemble(['kill-switch', 'on', '--home', home, '--reason', 'drill'])).code).toBe(0);
    const blocked = await ensemble(['run', '--home', home, '--date', DAY]);
    expect(blocked.code, said(blocked)).toBe(1);
    expect(nextCommand(blocked)).toEqual(['kill-switch', 'off', '--home', home]);

    const refused = await ensemble(['redrive', DAY, '--home', home]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the kill switch is on (drill): a redrive would place no order');
    expect(nextCommand(refused)).toEqual(['kill-switch', 'off', '--home', home]);

    const off = await ensemble(['kill-switch', 'off', '--home', home]);
    expect(off.code).toBe(0);
    expect(nextCommand(off)).toEqual(['redrive', RUN, '--home', home]);

    const traded = await ensemble(['redrive', DAY, '--home', home, '--json']);
    expect(traded.code, said(traded)).toBe(0);
    const day = lastJson(traded);
    expect(day.status).toBe('SUCCEEDED');
    expect(fills(day)).toEqual(fills(clean));
  }, 300_000);

  it('a redrive places nothing new for a strategy disabled since the failure, and books what it had placed', async () => {
    const home = await dirs.make();
    const configDir = await dirs.make();
    const config = await strategiesWith(configDir, {});
    const failed = await ensemble([
      'run',
      '--home',
      home,
      '--date',
      DAY,
      '--config',
      config,
      '--fault',
      'execute:tqqq-ftlt-2:after-submit',
    ]);
    expect(failed.code).toBe(1);
    const placed = lastJsonOf(await dayOf(home, config), 'tqqq-ftlt-2');
    // The operator disables the strategy, then redrives.
    const yaml = await readFile(config, 'utf8');
    const disabled = yaml.replace(
      /(- id: tqqq-ftlt-2\n(?: {4}\w+: .*\n)*? {4})enabled: true/,
      '$1enabled: false',
    );
    expect(disabled).not.toBe(yaml);
    await writeFile(config, disabled);
    const r = await ensemble(['redrive', DAY, '--home', home, '--config', config, '--json']);
    const day = lastJson(r);
    const s = day.strategies.find((x) => x.id === 'tqqq-ftlt-2');
    expect(s?.outcome, said(r)).toBe('BLOCKED');
    expect(s?.error?.message).toContain('strategy-disabled');
    // Only the orders it had already placed, now booked; nothing new.
    expect(s?.orders.map((o) => o.clientOrderId).sort()).toEqual(placed.map((o) => o.clientOrderId).sort());
    expect(s?.orders.filter((o) => o.status === 'FILLED').length).toBe(
      placed.filter((o) => o.status === 'FILLED').length + 1,
    );
    expect(day.reconciliation.ok).toBe(true);
  }, 300_000);
});

const lastJsonOf = (d: DayJson, id: string): Order[] => d.strategies.find((s) => s.id === id)?.orders ?? [];

describe('a home in use, and a home left half-created', () => {
  it('a second run is refused with the holder named; the kill switch and reconcile reach the home in use', async () => {
    const home = await dirs.make();
    const first = start(['run', '--home', home, '--date', '2025-11-24', '--days', '4']);
    await first.waitFor('Reconciliation:'); // the first of its three days is done
    const second = await ensemble(['run', '--home', home, '--date', DAY]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(
        `is in use by pid ${first.process.pid} \\(ensemble run --home \\S+ --date 2025-11-24 --days 4\\) since \\d{4}-`,
      ),
    );
    expect(second.stderr).not.toContain('ECONNREFUSED');
    const rec = await ensemble(['reconcile', '--home', home]);
    expect(rec.timedOut).toBe(false);
    expect(rec.stdout).toContain(`the home is in use by pid ${first.process.pid}`);
    const kill = await ensemble(['kill-switch', 'on', '--home', home, '--reason', 'mid-run']);
    expect(kill.code, said(kill)).toBe(0);
    expect(kill.stdout).toContain(`set in the home in use by pid ${first.process.pid}`);
    const done = await first.done;
    // The days after the switch was set placed no order.
    expect(done.stdout).toMatch(/KILL SWITCH ON: mid-run/);
    expect(done.code).toBe(1);
    expect(await readdir(home)).not.toContain('lock.json');
  }, 300_000);

  it('a database left with a table still CREATING is set aside and made afresh; the command exits', async () => {
    const home = await dirs.make();
    // What a kill during a home's first start leaves: the ledger table created, never ACTIVE.
    await makeHalfCreatedDb(join(home, 'db'));
    const r = await ensemble(['kill-switch', '--home', home], { deadlineMs: 30_000 });
    expect(r.timedOut, said(r)).toBe(false);
    expect(r.code, said(r)).toBe(0);
    expect(r.stderr).toMatch(/left half-created .* set aside as .*db\.half-created-/);
    const day = await ensemble(['run', '--home', home, '--date', DAY, '--json']);
    expect(day.code, said(day)).toBe(0);
  }, 300_000);

  it('a half-created database that holds data is left alone: the command stops its database, exits, and names the reset', async () => {
    const home = await dirs.make();
    await makeDamagedDb(join(home, 'db'));
    const r = await ensemble(['run', '--home', home, '--date', DAY], { deadlineMs: 30_000 });
    expect(r.timedOut, said(r)).toBe(false);
    expect(r.code, said(r)).toBe(1);
    expect(r.stderr).toContain(`mv ${join(home, 'db')} ${join(home, 'db')}.damaged`);
    expect(await readdir(home)).not.toContain('lock.json');
  }, 120_000);
});

/** Seeded kill moments: how many, from ENSEMBLE_FULL_TESTS (26) or by default (4). */
const KILLS = process.env.ENSEMBLE_FULL_TESTS === '1' ? 26 : 4;

describe(`kill -9 at ${KILLS} seeded moments`, () => {
  const random = seeded(17);
  const moments = Array.from({ length: KILLS }, (_, i) => ({
    // Even: during the home's first start (database, tables, account); odd: mid-run, after PrepareRun began.
    phase: i % 2 === 0 ? ('first start' as const) : ('mid-run' as const),
    ms: Math.round(i % 2 === 0 ? 150 + random() * 2500 : random() * 4000),
  }));

  it.each(moments)(
    '$phase, $ms ms in: following the Next commands recovers the clean day',
    async ({ phase, ms }) => {
      const home = await dirs.make();
      const run = start(['run', '--home', home, '--date', DAY]);
      if (phase === 'mid-run') await run.waitFor('preparing the run').catch(() => undefined);
      await new Promise((r) => setTimeout(r, ms));
      run.process.kill('SIGKILL');
      await run.done;
      const steps = await recover(['redrive', DAY, '--home', home]);
      expect(steps.length).toBeLessThanOrEqual(3);
      const day = await dayOf(home);
      expect(day.execution.skipped, JSON.stringify(day)).toMatch(/already ran \(SUCCEEDED\)/);
      expect(fills(day)).toEqual(fills(clean));
      expect(day.reconciliation.ok).toBe(true);
    },
    400_000,
  );
});
