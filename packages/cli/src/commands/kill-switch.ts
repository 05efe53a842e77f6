/** `ensemble kill-switch [on|off] [--reason TEXT]`: show or set the ledger's kill switch (blocks every order). */
import { resolve } from 'node:path';
import type { CliIO } from '../io.ts';
import { resolveHome } from '../local/home.ts';
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
  const session = await openSession(home, resolve(io.cwd, o.config));
  try {
    const ledger = session.world.ledger;
    const state =
      o.action === undefined
        ? await ledger.getKillSwitch()
        : await ledger.setKillSwitch({
            enabled: o.action === 'on',
            reason:
              o.reason ?? (o.action === 'on' ? 'set from the command line' : 'cleared from the command line'),
            updatedBy: io.env.USER ?? 'ensemble-cli',
          });
    if (o.json) io.out(JSON.stringify(state));
    else io.out(`Kill switch ${state.enabled ? 'ON' : 'off'}${state.reason ? ` — ${state.reason}` : ''}`);
    return 0;
  } finally {
    await session.close();
  }
}
