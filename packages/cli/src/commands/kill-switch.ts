/**
 * `ensemble kill-switch [on|off] [--reason TEXT]`: show or set the ledger's kill switch (blocks every new
 * order). It reaches a home another process is using (a run in progress) through that process's database,
 * so flipping it on mid-run stops the run's remaining orders. Turned off, it names the redrive of the
 * latest day it left BLOCKED.
 */
import { resolve } from 'node:path';
import { allPages } from '@ensemble/ledger';
import type { CliIO } from '../io.ts';
import { describeHolder, resolveHome } from '../local/home.ts';
import { commandContextOf, commandLine, nextLine } from '../local/next-step.ts';
import { openSession } from '../local/session.ts';

export interface KillSwitchOptions {
  readonly action?: 'on' | 'off';
  readonly reason?: string;
  readonly config: string;
  readonly json: boolean;
  readonly home?: string;
}

export async function killSwitchCommand(o: KillSwitchOptions, io: CliIO): Promise<number> {
  const home = resolveHome(o.home, io.env, io.cwd);
  const session = await openSession(home, resolve(io.cwd, o.config), {
    access: 'shared',
    ...(io.command ? { command: io.command } : {}),
  });
  const ctx = commandContextOf(home, o);
  try {
    for (const n of session.world.notices) io.err(`note: ${n}`);
    const { ledger, holder } = session.world;
    const state =
      o.action === undefined
        ? await ledger.getKillSwitch()
        : await ledger.setKillSwitch({
            enabled: o.action === 'on',
            reason:
              o.reason ?? (o.action === 'on' ? 'set from the command line' : 'cleared from the command line'),
            updatedBy: io.env.USER ?? 'ensemble-cli',
          });
    // The latest day the switch (or anything else) left unfinished: what to redrive once it is off.
    const unfinished = state.enabled
      ? undefined
      : (await allPages((p) => ledger.listRuns(p)))
          .filter((r) => r.status === 'BLOCKED' || r.status === 'FAILED')
          .sort((a, b) => a.tradingDay.localeCompare(b.tradingDay))
          .at(-1);
    const next = unfinished ? commandLine(ctx, io, 'redrive', unfinished.runId) : null;
    if (o.json) io.out(JSON.stringify({ ...state, ...(next ? { next } : {}) }));
    else {
      io.out(`Kill switch ${state.enabled ? 'ON' : 'off'}${state.reason ? ` — ${state.reason}` : ''}`);
      if (holder && o.action !== undefined)
        io.out(`  set in the home in use by ${describeHolder(holder)}: its remaining orders see it`);
      if (unfinished && next) {
        io.out(`  run ${unfinished.runId} ended ${unfinished.status}; to trade it now:`);
        io.out(nextLine(next));
      }
    }
    return 0;
  } finally {
    await session.close();
  }
}
