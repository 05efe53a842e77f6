/**
 * `ensemble fake-alpaca`: runs the loopback fake Alpaca server (`@ensemble/alpaca/fake`) for demos, backed
 * by a SimBroker (in memory) on the bundled bars, with the broker clock at the daily run instant of `--date`. Point
 * the product at it with the variables it prints, then `ensemble run --broker alpaca --date D`.
 */
import { createFakeAlpacaServer } from '@ensemble/alpaca/fake';
import { closePricesFrom, createMemorySimBrokerStore, createSimBroker } from '@ensemble/broker';
import { isTradingDay, RUN_MINUTES_BEFORE_CLOSE, runInstant } from '@ensemble/core';
import { createBundledMarketData, readBundledManifest } from '@ensemble/market-data';
import { type CliIO, UsageError } from '../io.ts';

export interface FakeAlpacaCommandOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** The trading day the broker clock stands on. @default the last session of the bundled bars */
  readonly date?: string;
  /** Starting cash of the simulated account. @default '100000' */
  readonly cash?: string;
  /** Stops the server (Ctrl-C by default). */
  readonly signal?: AbortSignal;
}

export async function fakeAlpacaCommand(o: FakeAlpacaCommandOptions, io: CliIO): Promise<number> {
  const data = createBundledMarketData();
  const manifest = await readBundledManifest();
  const date = o.date ?? (manifest.symbols.SPY?.last as string);
  if (!isTradingDay(date)) throw new UsageError(`--date ${date} is not a trading day`);
  const broker = createSimBroker({
    store: createMemorySimBrokerStore(),
    prices: closePricesFrom(data),
    clock: () => runInstant(date),
    ...(o.cash !== undefined && { startingCash: o.cash }),
  });
  const fake = await createFakeAlpacaServer({ broker, marketData: data, port: o.port ?? 0 });
  io.out(
    `Fake Alpaca on ${fake.url} (SimBroker on the bundled bars, clock ${runInstant(date).toISOString()}, ${RUN_MINUTES_BEFORE_CLOSE} min before the close)`,
  );
  io.out(`  export APCA_API_BASE_URL=${fake.url} APCA_API_DATA_URL=${fake.url}`);
  io.out('  export APCA_API_KEY_ID=PKFAKE APCA_API_SECRET_KEY=fake   # any non-empty pair');
  io.out(`  ensemble run --broker alpaca --date ${date}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    if (o.signal) o.signal.addEventListener('abort', stop, { once: true });
    else {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
  });
  await fake.close();
  return 0;
}
