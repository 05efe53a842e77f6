/**
 * The one command that recovers, printed as the last line of every local command that ends with something
 * for the operator to do (`Next: ensemble redrive 2025-11-28.local --home /data/h`). The command carries the
 * options the operator gave (`--home`, `--config`, `--broker`), so it can be pasted as it is.
 */
import { resolve } from 'node:path';
import type { CliIO } from '../io.ts';
import type { LocalHome } from './home.ts';

/** The options of the command being run that the recovery command must repeat. */
export interface CommandContext {
  readonly home: LocalHome;
  /** `--home` as given, if it was. */
  readonly homeFlag?: string;
  /** `--config` as given (the default is left out). */
  readonly config?: string;
  readonly broker?: 'sim' | 'alpaca';
}

/** The context of a command given `--home`, `--config` and `--broker` as `o` has them. */
export const commandContextOf = (
  home: LocalHome,
  o: { readonly home?: string; readonly config: string; readonly broker?: 'sim' | 'alpaca' },
): CommandContext => ({
  home,
  ...(o.home === undefined ? {} : { homeFlag: o.home }),
  config: o.config,
  ...(o.broker ? { broker: o.broker } : {}),
});

const DEFAULT_CONFIG = 'strategies/ensemble.config.yaml';

/** Quotes an argument for a POSIX shell when it needs it. */
export const shellQuote = (s: string): string =>
  /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;

/** `ensemble <args…>` with the context's options. */
export const commandLine = (ctx: CommandContext, io: CliIO, ...args: string[]): string => {
  const parts = ['ensemble', ...args];
  if (ctx.homeFlag !== undefined || io.env.ENSEMBLE_HOME !== undefined) parts.push('--home', ctx.home.root);
  if (ctx.config !== undefined && resolve(io.cwd, ctx.config) !== resolve(io.cwd, DEFAULT_CONFIG))
    parts.push('--config', ctx.config);
  if (ctx.broker === 'alpaca') parts.push('--broker', 'alpaca');
  return parts.map(shellQuote).join(' ');
};

/** The line that ends a failure's output. */
export const nextLine = (command: string): string => `Next: ${command}`;
