/**
 * Where local state lives: `--home DIR`, else `ENSEMBLE_HOME`, else `.ensemble/` in the current folder.
 * Inside: `db/` (the embedded DynamoDB on disk: ledger and simulated broker), `snapshots/` (market-data
 * snapshots by content hash), `runs/` (each local execution's event log, for redrive), `reports/` (each
 * day's performance report, JSON and HTML, written by Finalize).
 */
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

export interface LocalHome {
  readonly root: string;
  readonly db: string;
  readonly snapshots: string;
  readonly runs: string;
  readonly reports: string;
}

export function resolveHome(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): LocalHome {
  const chosen = flag ?? env.ENSEMBLE_HOME ?? '.ensemble';
  const root = isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
  return {
    root,
    db: join(root, 'db'),
    snapshots: join(root, 'snapshots'),
    runs: join(root, 'runs'),
    reports: join(root, 'reports'),
  };
}

export async function prepareHome(home: LocalHome): Promise<void> {
  await Promise.all([home.db, home.snapshots, home.runs].map((d) => mkdir(d, { recursive: true })));
}
