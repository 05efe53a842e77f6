/**
 * `ensemble cloud start|status|redrive|kill-switch|report`: drive the deployed state machine of a stage, its
 * kill switch, and read its performance report (see docs/deploy.md, docs/reports.md). Credentials and region come from the usual AWS environment (profile,
 * `AWS_REGION`).
 */

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { loadConfig } from '@ensemble/config';
import { buildReport, isIsoDate } from '@ensemble/core';
import { createBundledMarketData } from '@ensemble/market-data';
import { formatReportText, holdingsOf, renderReportHtml } from '@ensemble/report';
import { CloudError } from '../cloud/errors.ts';
import { type StageKillSwitch, stageKillSwitch } from '../cloud/kill-switch.ts';
import { newYorkDay } from '../cloud/naming.ts';
import { stageHistory } from '../cloud/report.ts';
import { type ExecutionReport, findStateMachine, recentExecutions, redrive, startDay } from '../cloud/sfn.ts';
import { type CliIO, UsageError } from '../io.ts';

/** What the command reaches (injected in tests). */
export interface CloudDeps {
  readonly client: Pick<SFNClient, 'send'>;
  readonly now: () => Date;
  /** The stage table's DynamoDB client (`kill-switch`). @default one from the AWS environment */
  readonly dynamo?: DynamoDBClient;
}

export const CLOUD_USAGE = `Usage:
  ensemble cloud start [--date YYYY-MM-DD] --stage S   Start the trading day (default: today in New York).
      [--reopen]                                       Trade again a day whose run ended FAILED or BLOCKED
                                                       (after the kill switch is lifted, or the cause fixed).
  ensemble cloud status [--stage S] [--limit N] [--json]
                                                       Recent executions with each strategy's outcome.
  ensemble cloud redrive <execution> [--stage S]       Redrive a failed execution (ARN, or its day's name).
  ensemble cloud kill-switch [on|off] --stage S [--reason TEXT] [--json]
                                                       Show or set the stage's kill switch (in its ledger
                                                       table ensemble-<stage>-ledger; on: nothing trades).
  ensemble cloud report [--stage S] [--from D] [--to D] [--json] [--html FILE] [--config FILE]
                                                       The stage's performance report, read from its
                                                       ledger table (as ensemble report does locally).
  --state-machine ARN overrides the stage's machine (ensemble-<stage>). Stage defaults to $ENSEMBLE_STAGE
  (except for start and for setting the kill switch, which need --stage).`;

const options = {
  stage: { type: 'string' },
  date: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean', default: false },
  reason: { type: 'string' },
  'state-machine': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  html: { type: 'string' },
  config: { type: 'string' },
  reopen: { type: 'boolean', default: false },
} as const;

/** Run `ensemble cloud <verb> ...`; returns the exit code. */
export async function cloudCommand(argv: readonly string[], io: CliIO, deps?: CloudDeps): Promise<number> {
  const [verb, ...rest] = argv;
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n\n${CLOUD_USAGE}`);
  }
  const { values, positionals } = parsed;
  const stage = values.stage ?? io.env.ENSEMBLE_STAGE;
  const d = deps ?? { client: new SFNClient({}), now: () => new Date() };
  const machine = async (): Promise<string> => {
    if (values['state-machine']) return values['state-machine'];
    if (!stage) throw new UsageError(`--stage is required (or set ENSEMBLE_STAGE)\n\n${CLOUD_USAGE}`);
    return findStateMachine(d.client, stage);
  };
  try {
    switch (verb) {
      case 'start': {
        if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
        if (!values.stage) throw new UsageError(`cloud start needs --stage\n\n${CLOUD_USAGE}`);
        if (values.date !== undefined && !isIsoDate(values.date))
          throw new UsageError('--date must be YYYY-MM-DD');
        const day = values.date ?? newYorkDay(d.now());
        const out = await startDay(
          d.client,
          await machine(),
          day,
          values.stage,
          values.reopen ? { at: d.now() } : undefined,
        );
        io.out(`Started ${out.name} on ${values.stage}: ${out.executionArn}`);
        return 0;
      }
      case 'status': {
        if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
        const limit = values.limit === undefined ? 5 : Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100)
          throw new UsageError('--limit must be 1..100');
        const reports = await recentExecutions(d.client, await machine(), limit);
        if (values.json) io.out(JSON.stringify(reports));
        else for (const r of reports) printReport(r, io);
        if (!values.json && reports.length === 0) io.out('No executions yet.');
        return 0;
      }
      case 'redrive': {
        if (positionals.length !== 1)
          throw new UsageError(`cloud redrive needs one execution\n\n${CLOUD_USAGE}`);
        const out = await redrive(d.client, positionals[0]!, machine);
        io.out(
          `Redriven ${out.before.name ?? out.executionArn} (was ${out.before.status}): ${out.executionArn}`,
        );
        return 0;
      }
      case 'kill-switch': {
        const [action, extra] = positionals;
        if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
        if (action !== undefined && action !== 'on' && action !== 'off')
          throw new UsageError(`cloud kill-switch takes on, off, or nothing\n\n${CLOUD_USAGE}`);
        if (values.reason !== undefined && action === undefined)
          throw new UsageError('--reason goes with on or off');
        // Setting it needs the stage said on the command line; reading it may use ENSEMBLE_STAGE.
        const target = action === undefined ? stage : values.stage;
        if (!target) throw new UsageError(`cloud kill-switch needs --stage\n\n${CLOUD_USAGE}`);
        const client = d.dynamo ?? new DynamoDBClient({});
        try {
          const state = await stageKillSwitch({
            client,
            stage: target,
            clock: d.now,
            ...(action === undefined
              ? {}
              : {
                  set: {
                    enabled: action === 'on',
                    reason:
                      values.reason ??
                      (action === 'on' ? 'set from the command line' : 'cleared from the command line'),
                    updatedBy: io.env.USER ?? 'ensemble-cli',
                  },
                }),
          });
          if (values.json) io.out(JSON.stringify(state));
          else printKillSwitch(state, io);
          return 0;
        } finally {
          if (d.dynamo === undefined) client.destroy();
        }
      }
      case 'report': {
        if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
        if (!stage) throw new UsageError(`cloud report needs --stage\n\n${CLOUD_USAGE}`);
        for (const [flag, v] of [
          ['--from', values.from],
          ['--to', values.to],
        ] as const)
          if (v !== undefined && !isIsoDate(v)) throw new UsageError(`${flag} must be YYYY-MM-DD`);
        if (values.from && values.to && values.from > values.to)
          throw new UsageError(`--from ${values.from} is after --to ${values.to}`);
        const config = await loadConfig(resolve(io.cwd, values.config ?? 'strategies/ensemble.config.yaml'));
        const client = d.dynamo ?? new DynamoDBClient({});
        try {
          const history = await stageHistory({
            client,
            stage,
            config,
            marketData: createBundledMarketData(),
            ...(values.from ? { from: values.from } : {}),
            ...(values.to ? { to: values.to } : {}),
          });
          if (!history) throw new CloudError(`${stage} has no recorded session in that range`);
          const report = buildReport(history);
          if (values.html) {
            const path = resolve(io.cwd, values.html);
            await writeFile(
              path,
              renderReportHtml(report, { holdings: holdingsOf(history), title: `Ensemble ${stage}` }),
            );
            if (!values.json) io.err(`HTML report: ${path}`);
          }
          if (values.json) io.out(JSON.stringify(report));
          else for (const line of formatReportText(report, `Stage ${stage}`)) io.out(line);
          return 0;
        } finally {
          if (d.dynamo === undefined) client.destroy();
        }
      }
      case 'help':
        io.out(CLOUD_USAGE);
        return 0;
      default:
        throw new UsageError(`unknown cloud command '${verb ?? ''}'\n\n${CLOUD_USAGE}`);
    }
  } catch (e) {
    const setup = awsSetupProblem(e);
    if (setup) {
      io.err(`ensemble cloud: ${setup}`);
      return 1;
    }
    if (e instanceof CloudError) {
      io.err(`ensemble cloud: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

/**
 * What to configure when the AWS SDK could not even send a request (no region, no credentials), or null
 * for any other error. The SDK says "Region is missing" or "Could not load credentials from any providers".
 */
export const awsSetupProblem = (e: unknown): string | null => {
  if (!(e instanceof Error)) return null;
  if (/region is missing/i.test(e.message))
    return 'no AWS region is configured: set AWS_REGION (e.g. AWS_REGION=us-east-1), or use a profile that has one (AWS_PROFILE)';
  if (e.name === 'CredentialsProviderError' || /could not load credentials/i.test(e.message))
    return 'no AWS credentials were found: set AWS_PROFILE (after `aws sso login` or `aws configure`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  return null;
};

const printKillSwitch = (k: StageKillSwitch, io: CliIO): void => {
  const why = k.reason ? ` — ${k.reason}` : '';
  const by = k.updatedAt ? ` (${k.updatedBy || '?'}, ${k.updatedAt})` : '';
  io.out(`Kill switch ${k.enabled ? 'ON' : 'off'} on ${k.stage}${why}${by}`);
  io.out(`  table ${k.table}`);
};

const printReport = (r: ExecutionReport, io: CliIO): void => {
  const s = r.summary;
  const when = `${r.startDate ?? '?'}${r.stopDate ? ` → ${r.stopDate}` : ''}`;
  const redriven = r.redriveCount > 0 ? `, redriven ${r.redriveCount}×` : '';
  io.out(`${r.name}  ${r.status}${s.runStatus ? ` (run ${s.runStatus})` : ''}  ${when}${redriven}`);
  if (s.skipped) io.out(`  skipped: ${s.skipped}`);
  for (const b of s.branches)
    io.out(`  ${b.strategyId.padEnd(24)} ${b.flow.padEnd(10)} ${b.outcome}${b.error ? `  ${b.error}` : ''}`);
  if (s.pool) io.out(`  ${'pool'.padEnd(24)} ${''.padEnd(10)} ${s.pool}`);
  if (s.failedIterations > 0)
    io.out(`  ${s.failedIterations} iteration(s) failed without a result: redrive reruns them`);
  if (s.failure) io.out(`  failed: ${s.failure.error}${s.failure.cause ? ` — ${s.failure.cause}` : ''}`);
};
