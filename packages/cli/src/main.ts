/**
 * The `ensemble` command line: parses arguments, dispatches to a command, maps errors to exit codes.
 * Commands are imported on demand, so each one loads only what it uses.
 */
import { parseArgs } from 'node:util';
import { isEnsembleError } from '@ensemble/core';
import { type CliIO, processIO, UsageError } from './io.ts';

export const USAGE = `Usage: ensemble <command> [options]

Commands:
  check [paths...]                      Parse and validate .clj files or folders (default: strategies/).
  evaluate <file.clj> --as-of DATE      Target weights of one strategy as of DATE (YYYY-MM-DD).
      [--data DIR] [--json] [--trace]
  evaluate --batch IN.jsonl             One output line per input line {"strategy","asOf"}.
      [--data DIR] [--root DIR]         Strategy paths are relative to --root (default: current folder).
  run [--config FILE] [--date DATE]     Evaluate every enabled strategy of the config (default
      [--data DIR] [--json]             strategies/ensemble.config.yaml) as of DATE (default: last session).
  help                                  This text.

Market data defaults to the bars bundled with Ensemble; --data DIR reads SYMBOL.csv[.gz] files instead.
Exit codes: 0 success, 1 an error in the input (strategy, config, data), 2 usage error.`;

/** Run the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`ensemble: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (isEnsembleError(e)) {
      io.err(e.message);
      return 1;
    }
    if (e instanceof Error && 'code' in e && (e.code === 'ENOENT' || e.code === 'EISDIR')) {
      io.err(`ensemble: ${e.message}`);
      return 1;
    }
    io.err(`ensemble: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 3;
  }
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function parse(
  argv: readonly string[],
  options: Options,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function date(value: unknown, flag: string): string {
  if (typeof value !== 'string' || !DATE_RE.test(value)) throw new UsageError(`${flag} must be YYYY-MM-DD`);
  return value;
}

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return (await import('./commands/check.ts')).checkCommand(parse(rest, {}).positionals, io);
    case 'evaluate': {
      const { values, positionals } = parse(rest, {
        'as-of': { type: 'string' },
        data: { type: 'string' },
        json: { type: 'boolean', default: false },
        trace: { type: 'boolean', default: false },
        batch: { type: 'string' },
        root: { type: 'string' },
      });
      const data = values.data as string | undefined;
      if (values.batch !== undefined) {
        if (positionals.length > 0) throw new UsageError('--batch takes no strategy file');
        const { batchCommand } = await import('./commands/batch.ts');
        return batchCommand(
          { input: values.batch as string, data, root: values.root as string | undefined },
          io,
        );
      }
      if (positionals.length !== 1) throw new UsageError('evaluate needs exactly one strategy file');
      const { evaluateCommand } = await import('./commands/evaluate.ts');
      return evaluateCommand(
        {
          file: positionals[0]!,
          asOf: date(values['as-of'], '--as-of'),
          data,
          json: values.json === true,
          trace: values.trace === true,
        },
        io,
      );
    }
    case 'run': {
      const { values, positionals } = parse(rest, {
        config: { type: 'string' },
        date: { type: 'string' },
        data: { type: 'string' },
        json: { type: 'boolean', default: false },
      });
      if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      const { runCommand } = await import('./commands/run.ts');
      return runCommand(
        {
          config: (values.config as string | undefined) ?? 'strategies/ensemble.config.yaml',
          date: values.date === undefined ? undefined : date(values.date, '--date'),
          data: values.data as string | undefined,
          json: values.json === true,
        },
        io,
      );
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}
