/**
 * Loading `ensemble.config.yaml`: YAML → schema → cross-entry checks → every strategy file parsed. Nothing
 * runs on a config that fails: all problems found are thrown together as one {@link ConfigInvalidError},
 * each naming the entry at fault, so the operator fixes them in one pass.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { analyzeStrategy, ConfigInvalidError, isEnsembleError, parseStrategy } from '@ensemble/core';
import { Decimal } from 'decimal.js';
import { LineCounter, parseDocument } from 'yaml';
import { entryLabel, formatZodIssue, rawEntries } from './issues.ts';
import { type AccountConfig, EnsembleConfig, StrategyConfig } from './schema.ts';
import type { LoadedConfig, LoadedStrategy, LoadOptions } from './types.ts';

/** Allocations of enabled strategies may exceed 1 by this much (float noise in hand-written fractions). */
const SUM_TOLERANCE = new Decimal('1e-9');

const defaultReadFile = (path: string): Promise<string> => fsReadFile(path, 'utf8');

/** Path of a strategy file named in the config: `file` relative to the config file's folder. */
export const resolveStrategyFile = (configPath: string, file: string): string =>
  isAbsolute(file) ? file : join(dirname(configPath), file);

/** Read, validate and load the config at `path`. Throws {@link ConfigInvalidError} listing every problem. */
export async function loadConfig(path: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const readFile = options.readFile ?? defaultReadFile;
  let text: string;
  try {
    text = await readFile(path);
  } catch (e) {
    throw new ConfigInvalidError(`${path}: cannot read the config file: ${errorMessage(e)}`);
  }
  return loadConfigText(text, path, options);
}

/**
 * Validate and load config `text`; `path` locates the strategy files and names the config in messages.
 * Throws {@link ConfigInvalidError} listing every problem.
 */
export async function loadConfigText(
  text: string,
  path: string,
  options: LoadOptions = {},
): Promise<LoadedConfig> {
  const readFile = options.readFile ?? defaultReadFile;
  const { raw, warnings } = readYaml(text, path);
  const issues: string[] = [];

  const parsed = EnsembleConfig.safeParse(raw, { reportInput: true });
  if (!parsed.success) issues.push(...parsed.error.issues.map((issue) => formatZodIssue(issue, raw)));

  // Cross-entry checks and file loading run on every entry that is valid on its own, even when others
  // are not, so one run of the loader reports everything.
  const entries = rawEntries(raw).flatMap((entry, index) => {
    const ok = StrategyConfig.safeParse(entry);
    return ok.success ? [{ index, entry: ok.data, label: entryLabel(index, ok.data.id) }] : [];
  });
  issues.push(...duplicateIds(entries));
  const sum = allocationSum(entries);
  if (entries.length > 0 && !entries.some((e) => e.entry.enabled))
    issues.push('no strategy is enabled: enable one (to stop all trading, use the kill switch instead)');
  if (sum.minus(1).gt(SUM_TOLERANCE)) {
    const parts = entries.filter((e) => counts(e.entry)).map((e) => `${e.label} ${e.entry.allocation}`);
    issues.push(`allocations of enabled strategies sum to ${sum} (over 1): ${parts.join(', ')}`);
  }
  // Disabled strategies are loaded too, and a broken one is an error, not a warning: enabling it later
  // would otherwise break a run at the worst time, long after the file was changed.
  const results = await Promise.all(
    entries.map(({ entry }) => loadStrategy(resolveStrategyFile(path, entry.file), readFile)),
  );
  const strategies: LoadedStrategy[] = [];
  entries.forEach(({ entry, label }, i) => {
    const result = results[i]!;
    if (typeof result === 'string') issues.push(`${label}: ${result}`);
    else strategies.push({ ...entry, ...result });
  });

  if (!parsed.success || issues.length > 0) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    throw new ConfigInvalidError(`${path}: invalid configuration (${count})`, issues);
  }
  if (parsed.data.account.capitalPolicy === 'fixed')
    warnings.push(
      ...underAllocation(
        sum,
        entries.some((e) => !e.entry.enabled),
      ),
    );
  const account = migrateAccount(parsed.data.account, path, warnings);
  return { path, account, rails: parsed.data.rails ?? {}, strategies, warnings };
}

/**
 * `account.driftBand` was the pool's corridor under a name that promised capital rebalancing. It is read as
 * `poolCorridor` (what it always did), with a warning naming both settings; both at once is an error.
 */
function migrateAccount(
  account: AccountConfig,
  path: string,
  warnings: string[],
): Omit<AccountConfig, 'driftBand'> {
  const { driftBand, ...rest } = account;
  if (driftBand === undefined) return rest;
  if (rest.poolCorridor !== undefined) {
    throw new ConfigInvalidError(`${path}: invalid configuration (1 problem)`, [
      'account.driftBand is the old name of account.poolCorridor: keep poolCorridor only',
    ]);
  }
  warnings.push(
    `account.driftBand is deprecated: it sets the pool's corridor (absolute weight points), read as ` +
      `poolCorridor: ${driftBand}. Rename it to poolCorridor; capital rebalancing between books is ` +
      'account.capitalRebalance (a relative band and a frequency)',
  );
  return { ...rest, poolCorridor: driftBand };
}

/** The YAML as plain data, or a ConfigInvalidError with each syntax error at `path:line:col`. */
function readYaml(text: string, path: string): { raw: unknown; warnings: string[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${path}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => `${at(e.pos[0])}: ${e.message}`);
    throw new ConfigInvalidError(`${path}: invalid YAML`, issues);
  }
  const warnings = doc.warnings.map((w) => `${at(w.pos[0])}: ${w.message}`);
  try {
    return { raw: doc.toJS(), warnings };
  } catch (e) {
    // E.g. an alias to an undefined anchor: well formed, but not data.
    throw new ConfigInvalidError(`${path}: invalid YAML`, [`${path}: ${errorMessage(e)}`]);
  }
}

interface Entry {
  readonly index: number;
  readonly entry: StrategyConfig;
  readonly label: string;
}

function duplicateIds(entries: readonly Entry[]): string[] {
  const first = new Map<string, Entry>();
  const issues: string[] = [];
  for (const e of entries) {
    const seen = first.get(e.entry.id);
    if (seen) issues.push(`${e.label}: duplicate id, already used by strategies[${seen.index}]`);
    else first.set(e.entry.id, e);
  }
  return issues;
}

/**
 * Whether an entry's allocation is part of the account's: enabled and live (a `mode: shadow` strategy is
 * funded on paper, outside the account's capital).
 */
const counts = (entry: StrategyConfig): boolean => entry.enabled && entry.mode === 'live';

/** Exact sum of the enabled live allocations (decimal, so 0.1 + 0.2 is 0.3). */
const allocationSum = (entries: readonly Entry[]): Decimal =>
  entries.reduce((sum, e) => (counts(e.entry) ? sum.plus(e.entry.allocation) : sum), new Decimal(0));

function underAllocation(sum: Decimal, someDisabled: boolean): string[] {
  if (new Decimal(1).minus(sum).lte(SUM_TOLERANCE)) return [];
  const idle = new Decimal(1).minus(sum).times(100).toDecimalPlaces(2);
  const disabled = someDisabled
    ? ' (a disabled strategy keeps the book it holds: the run report lists it under "orphaned books")'
    : '';
  return [
    `allocations sum to ${sum}: ${idle}% of the account is allocated to no enabled strategy${disabled}`,
  ];
}

/** The parsed strategy file, or why it could not be loaded. Unexpected (non-Ensemble) errors propagate. */
async function loadStrategy(
  file: string,
  readFile: (path: string) => Promise<string>,
): Promise<Pick<LoadedStrategy, 'path' | 'strategy' | 'requirements'> | string> {
  let text: string;
  try {
    text = await readFile(file);
  } catch (e) {
    return errorCode(e) === 'ENOENT'
      ? `file not found: ${file}`
      : `cannot read file ${file}: ${errorMessage(e)}`;
  }
  try {
    const strategy = parseStrategy(text, file);
    return { path: file, strategy, requirements: analyzeStrategy(strategy) };
  } catch (e) {
    // StrategySyntaxError / StrategySemanticError: the message starts with `file:line:col:`.
    if (isEnsembleError(e)) return `cannot parse ${file}: ${e.message}`;
    throw e;
  }
}

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const errorCode = (e: unknown): unknown =>
  typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined;
