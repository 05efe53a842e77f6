/**
 * Wording of configuration problems. Every problem about a strategy entry names it the same way,
 * `strategies[2] (id "gold")`, so the operator can find it whichever check complained.
 */
import type * as z from 'zod';

/** How problems name entry `index`: `strategies[2] (id "gold")`, or `strategies[2]` without a usable id. */
export const entryLabel = (index: number, id?: unknown): string =>
  typeof id === 'string' && id !== ''
    ? `strategies[${index}] (id ${JSON.stringify(id)})`
    : `strategies[${index}]`;

/** The raw `strategies` entries of an unvalidated config, or `[]` if there is no such list. */
export const rawEntries = (raw: unknown): readonly unknown[] => {
  const strategies = isRecord(raw) ? raw.strategies : undefined;
  return Array.isArray(strategies) ? strategies : [];
};

/** The raw `id` of an unvalidated entry (whatever its type), for {@link entryLabel}. */
const rawId = (entry: unknown): unknown => (isRecord(entry) ? entry.id : undefined);

/**
 * One zod issue as `where: message`, e.g. `strategies[2] (id "gold").flow: Invalid option: expected one
 * of "per-book"|"aggregated" (got "both")`. `raw` is the validated input, to label entries by their id.
 */
export function formatZodIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  return `${formatPath(issue.path, raw)}: ${issue.message}${describeInput(issue)}`;
}

function formatPath(path: readonly PropertyKey[], raw: unknown): string {
  if (path.length === 0) return 'config';
  const [head, index, ...rest] = path;
  let out: string;
  if (head === 'strategies' && typeof index === 'number') {
    out = entryLabel(index, rawId(rawEntries(raw)[index]));
  } else {
    out = String(head);
    rest.unshift(...(index === undefined ? [] : [index]));
  }
  for (const key of rest) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}

/** ` (got "both")` when the issue reports a primitive input; a hint to quote numbers given for strings. */
function describeInput(issue: z.core.$ZodIssue): string {
  const input: unknown = issue.input;
  if (input === null || !['string', 'number', 'boolean'].includes(typeof input)) return '';
  const got = JSON.stringify(input);
  if (issue.code === 'invalid_type' && issue.expected === 'string' && typeof input === 'number') {
    return ` (got ${got}; quote it: "${got}")`;
  }
  return ` (got ${got})`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
