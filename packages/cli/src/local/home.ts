/**
 * Where local state lives: `--home DIR`, else `ENSEMBLE_HOME`, else `.ensemble/` in the current folder.
 * Inside: `db/` (the embedded DynamoDB on disk: ledger and simulated broker), `snapshots/` (market-data
 * snapshots by content hash), `runs/` (each local execution's event log, for redrive), `reports/` (each
 * day's performance report, JSON and HTML, written by Finalize), `broker` (the broker the home trades with)
 * and, while a process has the home open, `lock.json`.
 *
 * The lock. One process at a time opens a home's database (its LevelDB store allows no second opener). The
 * process that does writes `lock.json` — its pid, its command line, since when, and, once its database is up,
 * the database's loopback endpoint — created exclusively, removed when it closes the home. Another process
 * finds the holder named there: commands that only read or flip the kill switch reach the home through the
 * holder's endpoint (see `world.ts`), the others refuse with the holder's name. A lock whose process is gone
 * (a `kill -9`) is taken over.
 */
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { EnsembleError, ErrorNames } from '@ensemble/core';
import * as z from 'zod';

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

/** Another process has the home open (its holder is named in the message). */
export class HomeInUseError extends EnsembleError {
  override readonly name = ErrorNames.HomeInUse;
}

/** The home's database cannot be opened as it is (the message names the command that resets it). */
export class HomeDamagedError extends EnsembleError {
  override readonly name = ErrorNames.HomeDamaged;
}

/** What `lock.json` holds. */
export const HomeLockInfo = z.object({
  pid: z.number().int().positive(),
  /** The holder's command line (`ensemble run --date 2025-11-28`). */
  command: z.string(),
  /** When it took the lock (ISO). */
  since: z.string(),
  /** The holder's database (`http://127.0.0.1:<port>`), once it is up. */
  endpoint: z.string().optional(),
});
export type HomeLockInfo = z.infer<typeof HomeLockInfo>;

/** A held lock. */
export interface HomeLock {
  readonly info: HomeLockInfo;
  /** Record the database endpoint (other processes reach the home through it). */
  publish(endpoint: string): Promise<void>;
  /** Remove the lock (only if it is still ours). */
  release(): Promise<void>;
}

export const lockFile = (home: LocalHome): string => join(home.root, 'lock.json');

/** A lock file younger than this with unreadable content is being written by its holder. */
const UNREADABLE_GRACE_MS = 5000;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
};

/** The holder of the home's lock, if a live process holds it. */
export async function lockHolder(home: LocalHome): Promise<HomeLockInfo | null> {
  let text: string;
  try {
    text = await readFile(lockFile(home), 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return null;
    throw e;
  }
  let parsed: ReturnType<typeof HomeLockInfo.safeParse> | undefined;
  try {
    parsed = HomeLockInfo.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) {
    // Being written right now, or left half-written by a holder that died: judged by its age.
    const age = Date.now() - (await stat(lockFile(home)).catch(() => ({ mtimeMs: 0 }))).mtimeMs;
    return age < UNREADABLE_GRACE_MS ? { pid: 0, command: '(starting)', since: '' } : null;
  }
  if (parsed.data.pid === process.pid) return null;
  return alive(parsed.data.pid) ? parsed.data : null;
}

/** The holder, named for people: `pid 123 (ensemble run --date 2025-11-28) since 2025-11-28T20:45:00Z`. */
export const describeHolder = (h: HomeLockInfo): string =>
  h.pid === 0 ? 'a process that is starting' : `pid ${h.pid} (${h.command}) since ${h.since}`;

/**
 * Take the home's lock for this process, or return who holds it. A lock left by a process that is gone is
 * taken over (moved aside, then created afresh: of two processes taking it over at once, one wins).
 */
export async function acquireHomeLock(
  home: LocalHome,
  command: string,
): Promise<{ lock: HomeLock } | { heldBy: HomeLockInfo }> {
  await mkdir(home.root, { recursive: true });
  const path = lockFile(home);
  const info: HomeLockInfo = { pid: process.pid, command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(info)}\n`);
      } finally {
        await handle.close();
      }
      return { lock: heldLock(path, info) };
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
    const holder = await lockHolder(home);
    if (holder) return { heldBy: holder };
    // Stale: move it aside (a rename is atomic; a concurrent taker's rename fails and it retries).
    const aside = `${path}.stale-${process.pid}`;
    await rename(path, aside).catch(() => undefined);
    await rm(aside, { force: true });
  }
  const holder = await lockHolder(home);
  if (holder) return { heldBy: holder };
  throw new HomeInUseError(
    `${home.root}: cannot take ${path}; remove it if no ensemble process uses the home`,
  );
}

const heldLock = (path: string, first: HomeLockInfo): HomeLock => {
  let info = first;
  const ours = async (): Promise<boolean> => {
    try {
      return HomeLockInfo.parse(JSON.parse(await readFile(path, 'utf8'))).pid === process.pid;
    } catch {
      return false;
    }
  };
  return {
    get info() {
      return info;
    },
    async publish(endpoint) {
      info = { ...info, endpoint };
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(info)}\n`);
      await rename(tmp, path);
    },
    async release() {
      if (await ours()) await rm(path, { force: true });
    },
  };
};

/** The message of a refused command: who holds the home, and what to do. */
export const inUseMessage = (home: LocalHome, holder: HomeLockInfo, what: string): string =>
  `${home.root} is in use by ${describeHolder(holder)}: ${what} needs the home to itself. ` +
  'Wait for that command to end (the kill switch and reconcile work meanwhile), or use another --home. ' +
  `If no such process is running, remove ${lockFile(home)}.`;
