import { EnsembleError, ErrorNames } from '@ensemble/core';

/** The CLI's outside world, injected so commands can be tested in-process. */
export interface CliIO {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Output is a terminal: progress is redrawn in place. */
  readonly tty?: boolean;
  /** Aborted on Ctrl-C: long commands stop cleanly. */
  readonly signal?: AbortSignal;
  /** The command line being run (`ensemble run --date 2025-11-28`), for the home's lock. */
  readonly command?: string;
}

export const processIO = (): CliIO => ({
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  cwd: process.cwd(),
  env: process.env,
  tty: process.stdout.isTTY === true,
  signal: interruptSignal(),
});

/** An AbortSignal fired by the first Ctrl-C (a second one exits at once). */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nensemble: stopping after the steps in flight (Ctrl-C again to exit now)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}

/** A usage mistake on the command line: printed with the usage text, exit code 2. */
export class UsageError extends EnsembleError {
  override readonly name = ErrorNames.Usage;
}
