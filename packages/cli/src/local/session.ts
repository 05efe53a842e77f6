/**
 * One local session of the CLI: the config, the world, the definition and the handlers, opened once and
 * shared by the days of `ensemble run --days N` and by `ensemble redrive`.
 */

import { type AppContext, createSteps, type FaultInjector } from '@ensemble/app';
import { type LoadedConfig, loadConfig } from '@ensemble/config';
import {
  type AslDefinition,
  buildDefinition,
  localArns,
  type TaskHandlers,
  TaskNames,
} from '@ensemble/workflow';
import { type LocalHome, prepareHome } from './home.ts';
import { type LocalBroker, type LocalWorld, type LocalWorldOptions, openLocalWorld } from './world.ts';

export interface LocalSession {
  readonly config: LoadedConfig;
  readonly world: LocalWorld;
  readonly definition: AslDefinition;
  handlers(fault?: FaultInjector): TaskHandlers;
  app(fault?: FaultInjector): AppContext;
  close(): Promise<void>;
}

/** Options of {@link openSession}. */
export interface SessionOptions {
  /** @default the broker the home trades with, else `sim` (see `world.ts`) */
  readonly broker?: LocalBroker;
  /** The CLI's environment: the Alpaca settings (`APCA_API_*`). @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** See {@link LocalWorldOptions.access}. @default 'exclusive' */
  readonly access?: LocalWorldOptions['access'];
  /** This process's command line, recorded in the home's lock. */
  readonly command?: string;
  /** Bars from this folder instead of the bundled ones (`--data DIR`). */
  readonly dataDir?: string;
}

/** What a command opens its session with: its `--broker`, the CLI's environment and command line. */
export const commandSessionOptions = (
  o: { readonly broker?: LocalBroker },
  io: { readonly env: Readonly<Record<string, string | undefined>>; readonly command?: string },
): SessionOptions => ({
  ...(o.broker ? { broker: o.broker } : {}),
  env: io.env,
  ...(io.command ? { command: io.command } : {}),
});

export async function openSession(
  home: LocalHome,
  configPath: string,
  options: SessionOptions = {},
): Promise<LocalSession> {
  // Bad config fails here, before the database or the broker is touched.
  const config = await loadConfig(configPath);
  await prepareHome(home);
  const world = await openLocalWorld(home, {
    startingCash: config.account.startingCash,
    ...(config.account.simulatedFills ? { fillCosts: config.account.simulatedFills } : {}),
    ...(options.broker ? { broker: options.broker } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.access ? { access: options.access } : {}),
    ...(options.command ? { command: options.command } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const definition = buildDefinition({ functionArns: localArns() });
  const app = (fault?: FaultInjector) => world.app({ config, ...(fault ? { fault } : {}) });
  return {
    config,
    world,
    definition,
    app,
    handlers(fault) {
      const steps = createSteps(app(fault));
      return Object.fromEntries(
        TaskNames.map((t) => [
          t,
          (input: unknown, ctx: { signal?: AbortSignal }) =>
            steps[t](input, { ...(ctx.signal ? { signal: ctx.signal } : {}) }),
        ]),
      ) as unknown as TaskHandlers;
    },
    close: () => world.close(),
  };
}
