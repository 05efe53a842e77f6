/**
 * The `ensemble` command line: parses arguments, dispatches to a command, maps errors to exit codes.
 * Commands are imported on demand, so each one loads only what it uses.
 */
import { parseArgs } from 'node:util';
import { isEnsembleError, isIsoDate, NYSE_CALENDAR_RANGE } from '@ensemble/core';
import { type CliIO, processIO, UsageError } from './io.ts';

export const USAGE = `Usage: ensemble <command> [options]

Commands:
  check [paths...]                      Parse and validate .clj files or folders (default: strategies/).
  evaluate <file.clj> --as-of DATE      Target weights of one strategy as of DATE (YYYY-MM-DD).
      [--data DIR] [--json] [--trace]
  evaluate --batch IN.jsonl             One output line per input line {"strategy","asOf"}.
      [--data DIR] [--root DIR]         Strategy paths are relative to --root (default: current folder).
  run [--date DATE] [--days N]         A full local trading day: the Step Functions definition run in-process
      [--config FILE] [--home DIR]      on the embedded database, the simulated broker and the bundled data;
      [--json] [--fault S:STRATEGY:P]   progress, then a report (default DATE: last bundled session; --days N
      [--broker sim|alpaca]             runs N sessions, books carry over). --fault injects one crash.
      [--data DIR]                      --broker alpaca (default sim) trades today (--date today) on Alpaca
                                        (APCA_API_* variables; paper by default). A home keeps one broker.
  redrive <runId|DATE> [--json]         Finish a day that did not trade as planned: redrive its failed
      [--broker sim|alpaca]             execution, or reopen the day (after the kill switch is lifted, or
                                        when its log is lost). --broker defaults to the home's broker.
  repair <runId|DATE> [--json]          Book what the broker did under a run's client order ids (no log
                                        needed); places nothing.
  liquidate <strategy> [--date DATE]    Sell the book of a strategy that is no longer enabled (an orphaned
      [--json]                          book) and return its cash to the account.
  report [--from D] [--to D] [--json]   Performance of the recorded local days (per strategy, pool, account,
      [--html FILE] [--home DIR]        benchmark SPY): returns, drawdowns, ratios; --html writes one
      [--config FILE]                   self-contained page with the charts. docs/reports.md defines it.
  reconcile [--json]                    Sum of all books vs the broker account; exit 1 on a difference.
      [--broker sim|alpaca]
  kill-switch [on|off] [--reason TEXT]  Show or set the kill switch (when on, nothing trades; works while a
                                        run uses the home).
  definition                            The state machine's ASL JSON (placeholder function ARNs).
  backtest [--from D] [--to D]          The config over a range of sessions on the live code path (the steps,
      [--config FILE] [--data DIR]      a memory ledger, the simulated broker filling at each close): the
      [--flow as-configured|per-book|   performance report of the account, each strategy and the pool (as
             aggregated|compare]        ensemble report's). Default range: the first session every enabled
      [--slippage-bps N] [--fee-bps N]  strategy can be evaluated on to the last of the data. --benchmark SYM
      [--benchmark SYM] [--json]        (default SPY, or none). --html FILE and --csv DIR write the result
      [--html FILE] [--csv DIR]         too. Shadow mode's paper books are left out.
  signals [--config FILE] [--date DATE] Evaluate every enabled strategy as of DATE, without trading.
      [--data DIR] [--json]
  fake-alpaca [--port P] [--date DATE]  Serve the loopback fake Alpaca API (SimBroker + bundled bars).
      [--cash C]
  cloud start|status|redrive ...        Drive the deployed state machine (ensemble cloud help).
  cloud kill-switch [on|off] --stage S  Show or set a deployed stage's kill switch.
      [--reason TEXT] [--json]
  help                                  This text.

Market data defaults to the bars bundled with Ensemble; --data DIR reads SYMBOL.csv[.gz] files instead.
Exit codes: 0 success, 1 an error in the input (strategy, config, data), 2 usage error.`;

/** Run the CLI; returns the exit code. */
export async function main(argv: readonly string[], given: CliIO = processIO()): Promise<number> {
  const io: CliIO = { ...given, command: given.command ?? ['ensemble', ...argv].join(' ') };
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

const DEFAULT_CONFIG = 'strategies/ensemble.config.yaml';
const configPath = (values: Record<string, unknown>): string =>
  (values.config as string | undefined) ?? DEFAULT_CONFIG;

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

/** `--broker`: `sim` or `alpaca`; undefined when absent. */
function broker(value: unknown): { broker?: 'sim' | 'alpaca' } {
  if (value === undefined) return {};
  if (value !== 'sim' && value !== 'alpaca') throw new UsageError('--broker must be sim or alpaca');
  return { broker: value };
}

/** A basis-points flag: a number in [0, 10000); absent when not given. */
function bps<K extends string>(value: unknown, flag: string, key: K): Partial<Record<K, number>> {
  if (value === undefined) return {};
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 10_000)
    throw new UsageError(`${flag} must be a number of basis points in [0, 10000)`);
  return { [key]: n } as Partial<Record<K, number>>;
}

/** A `YYYY-MM-DD` that is a real date inside the calendar Ensemble knows, else a usage error. */
function date(value: unknown, flag: string): string {
  if (typeof value !== 'string' || !isIsoDate(value))
    throw new UsageError(
      `${flag} must be a date YYYY-MM-DD${typeof value === 'string' ? `, not ${value}` : ''}`,
    );
  const { from, to } = NYSE_CALENDAR_RANGE;
  if (value < from || value > to)
    throw new UsageError(`${flag} ${value} is outside the market calendar Ensemble knows (${from} to ${to})`);
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
        days: { type: 'string' },
        home: { type: 'string' },
        json: { type: 'boolean', default: false },
        fault: { type: 'string' },
        broker: { type: 'string' },
        data: { type: 'string' },
      });
      if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      const days = values.days === undefined ? 1 : Number(values.days);
      if (!Number.isInteger(days) || days < 1 || days > 2000)
        throw new UsageError('--days must be a whole number ≥ 1');
      const { tradeCommand } = await import('./commands/trade.ts');
      return tradeCommand(
        {
          config: configPath(values),
          days,
          json: values.json === true,
          ...(values.date === undefined
            ? {}
            : { date: values.date === 'today' ? 'today' : date(values.date, '--date') }),
          ...(values.home === undefined ? {} : { home: values.home as string }),
          ...(values.fault === undefined ? {} : { fault: values.fault as string }),
          ...(values.data === undefined ? {} : { data: values.data as string }),
          ...broker(values.broker),
        },
        io,
      );
    }
    case 'liquidate': {
      const { values, positionals } = parse(rest, {
        config: { type: 'string' },
        home: { type: 'string' },
        date: { type: 'string' },
        json: { type: 'boolean', default: false },
        broker: { type: 'string' },
      });
      if (positionals.length !== 1) throw new UsageError('liquidate needs exactly one strategy id');
      const { liquidateCommand } = await import('./commands/liquidate.ts');
      return liquidateCommand(
        {
          strategyId: positionals[0]!,
          config: configPath(values),
          json: values.json === true,
          ...(values.date === undefined
            ? {}
            : { date: values.date === 'today' ? 'today' : date(values.date, '--date') }),
          ...(values.home === undefined ? {} : { home: values.home as string }),
          ...broker(values.broker),
        },
        io,
      );
    }
    case 'repair': {
      const { values, positionals } = parse(rest, {
        config: { type: 'string' },
        home: { type: 'string' },
        json: { type: 'boolean', default: false },
        broker: { type: 'string' },
      });
      if (positionals.length !== 1) throw new UsageError('repair needs exactly one run id or date');
      const { repairCommand } = await import('./commands/repair.ts');
      return repairCommand(
        {
          runId: positionals[0]!,
          config: configPath(values),
          json: values.json === true,
          ...(values.home === undefined ? {} : { home: values.home as string }),
          ...broker(values.broker),
        },
        io,
      );
    }
    case 'redrive': {
      const { values, positionals } = parse(rest, {
        config: { type: 'string' },
        home: { type: 'string' },
        json: { type: 'boolean', default: false },
        broker: { type: 'string' },
      });
      if (positionals.length !== 1) throw new UsageError('redrive needs exactly one run id or date');
      const { redriveCommand } = await import('./commands/redrive.ts');
      return redriveCommand(
        {
          runId: positionals[0]!,
          config: configPath(values),
          json: values.json === true,
          ...(values.home === undefined ? {} : { home: values.home as string }),
          ...broker(values.broker),
        },
        io,
      );
    }
    case 'report': {
      const { values, positionals } = parse(rest, {
        config: { type: 'string' },
        home: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        json: { type: 'boolean', default: false },
        html: { type: 'string' },
      });
      if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      const { reportCommand } = await import('./commands/report.ts');
      return reportCommand(
        {
          config: configPath(values),
          json: values.json === true,
          ...(values.home === undefined ? {} : { home: values.home as string }),
          ...(values.from === undefined ? {} : { from: date(values.from, '--from') }),
          ...(values.to === undefined ? {} : { to: date(values.to, '--to') }),
          ...(values.html === undefined ? {} : { html: values.html as string }),
        },
        io,
      );
    }
    case 'reconcile': {
      const { values, positionals } = parse(rest, {
        config: { type: 'string' },
        home: { type: 'string' },
        json: { type: 'boolean', default: false },
        broker: { type: 'string' },
      });
      if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      const { reconcileCommand } = await import('./commands/reconcile.ts');
      return reconcileCommand(
        {
          config: configPath(values),
          json: values.json === true,
          ...(values.home === undefined ? {} : { home: values.home as string }),
          ...broker(values.broker),
        },
        io,
      );
    }
    case 'kill-switch': {
      const { values, positionals } = parse(rest, {
        config: { type: 'string' },
        home: { type: 'string' },
        reason: { type: 'string' },
        json: { type: 'boolean', default: false },
      });
      const [action, extra] = positionals;
      if (extra !== undefined || (action !== undefined && action !== 'on' && action !== 'off'))
        throw new UsageError('kill-switch takes on, off, or nothing');
      const { killSwitchCommand } = await import('./commands/kill-switch.ts');
      return killSwitchCommand(
        {
          config: configPath(values),
          json: values.json === true,
          ...(action === undefined ? {} : { action }),
          ...(values.reason === undefined ? {} : { reason: values.reason as string }),
          ...(values.home === undefined ? {} : { home: values.home as string }),
        },
        io,
      );
    }
    case 'definition': {
      const { positionals } = parse(rest, {});
      if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      return (await import('./commands/definition.ts')).definitionCommand(io);
    }
    case 'backtest': {
      const { values, positionals } = parse(rest, {
        config: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        flow: { type: 'string' },
        data: { type: 'string' },
        'slippage-bps': { type: 'string' },
        'fee-bps': { type: 'string' },
        benchmark: { type: 'string' },
        json: { type: 'boolean', default: false },
        html: { type: 'string' },
        csv: { type: 'string' },
      });
      if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      const from = values.from === undefined ? undefined : date(values.from, '--from');
      const to = values.to === undefined ? undefined : date(values.to, '--to');
      if (from !== undefined && to !== undefined && from > to)
        throw new UsageError(`--from ${from} is after --to ${to}`);
      const flow = values.flow ?? 'as-configured';
      if (flow !== 'as-configured' && flow !== 'per-book' && flow !== 'aggregated' && flow !== 'compare')
        throw new UsageError('--flow must be as-configured, per-book, aggregated or compare');
      const benchmark = values.benchmark as string | undefined;
      const { backtestCommand } = await import('./commands/backtest.ts');
      return backtestCommand(
        {
          config: configPath(values),
          flow,
          json: values.json === true,
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          ...(values.data === undefined ? {} : { data: values.data as string }),
          ...bps(values['slippage-bps'], '--slippage-bps', 'slippageBps'),
          ...bps(values['fee-bps'], '--fee-bps', 'feeBps'),
          ...(benchmark === undefined ? {} : { benchmark: benchmark === 'none' ? null : benchmark }),
          ...(values.html === undefined ? {} : { html: values.html as string }),
          ...(values.csv === undefined ? {} : { csv: values.csv as string }),
        },
        io,
      );
    }
    case 'signals': {
      const { values, positionals } = parse(rest, {
        config: { type: 'string' },
        date: { type: 'string' },
        data: { type: 'string' },
        json: { type: 'boolean', default: false },
      });
      if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      const { signalsCommand } = await import('./commands/signals.ts');
      return signalsCommand(
        {
          config: (values.config as string | undefined) ?? 'strategies/ensemble.config.yaml',
          date: values.date === undefined ? undefined : date(values.date, '--date'),
          data: values.data as string | undefined,
          json: values.json === true,
        },
        io,
      );
    }
    case 'fake-alpaca': {
      const { values } = parse(rest, {
        port: { type: 'string' },
        date: { type: 'string' },
        cash: { type: 'string' },
      });
      const port = values.port === undefined ? 0 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError('--port must be 0..65535');
      const { fakeAlpacaCommand } = await import('./commands/fake-alpaca.ts');
      return fakeAlpacaCommand(
        {
          port,
          ...(values.date !== undefined && { date: date(values.date, '--date') }),
          ...(values.cash !== undefined && { cash: values.cash as string }),
        },
        io,
      );
    }
    case 'cloud':
      return (await import('./commands/cloud.ts')).cloudCommand(rest, io);
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
