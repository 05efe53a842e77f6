/**
 * An Alpaca outage in the middle of a day (`ensemble run --broker alpaca` against the loopback fake, which
 * starts answering 503 to everything once the first order is placed): the run still prints every
 * strategy's outcome the ledger knows, says the reconciliation could not be done, and ends with the redrive;
 * once Alpaca answers again (the same account behind a fresh server), that redrive completes the day.
 */
import { createFakeAlpacaServer, type FakeAlpacaServer } from '@ensemble/alpaca/fake';
import { closePricesFrom, createMemorySimBrokerStore, createSimBroker } from '@ensemble/broker';
import { runInstant } from '@ensemble/core';
import { createBundledMarketData } from '@ensemble/market-data';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDirs } from '../support/cli.ts';

const DAY = '2025-11-28';
const dirs = tempDirs('ensemble-outage-');
const fakes: FakeAlpacaServer[] = [];
afterAll(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  await dirs.cleanup();
});

describe('an Alpaca outage mid-run', () => {
  it('prints the outcomes known so far and the redrive, which completes the day once Alpaca is back', async () => {
    const data = createBundledMarketData();
    const broker = createSimBroker({
      store: createMemorySimBrokerStore(),
      prices: closePricesFrom(data),
      clock: () => runInstant(DAY),
      startingCash: '100000',
    });
    const serve = async () => {
      const fake = await createFakeAlpacaServer({ broker, marketData: data, keyId: 'PKOUTAGE' });
      fakes.push(fake);
      return {
        fake,
        env: {
          APCA_API_KEY_ID: 'PKOUTAGE',
          APCA_API_SECRET_KEY: 'outage-secret',
          APCA_API_BASE_URL: fake.url,
          APCA_API_DATA_URL: fake.url,
        },
      };
    };
    const first = await serve();
    // The outage: from the first order on, every request fails (as if Alpaca went down).
    const watch = setInterval(() => {
      if (first.fake.requests.some((r) => r.method === 'POST' && r.url.startsWith('/v2/orders'))) {
        first.fake.inject({ status: 503, times: 1_000_000 });
        clearInterval(watch);
      }
    }, 5);
    const home = await dirs.make();
    const down = await runCli(
      ['run', '--broker', 'alpaca', '--date', 'today', '--home', home],
      REPO_ROOT,
      first.env,
    );
    clearInterval(watch);

    expect(down.code, down.err.join('\n')).toBe(1);
    const text = down.out.join('\n');
    expect(text).toMatch(/^Run 2025-11-28\.local — 2025-11-28 \(local\)/m);
    // Every strategy has a line with its outcome; the ones the outage hit are FAILED with the broker's error.
    expect(text).toMatch(/BrokerUnavailable/);
    expect(text).toMatch(/^ {2}tqqq-ftlt {2,}per-book/m);
    expect(text).toMatch(/^Reconciliation: not done — the broker could not be read \(BrokerUnavailable/m);
    expect(down.out.at(-1)).toBe(`Next: ensemble redrive 2025-11-28.local --home ${home} --broker alpaca`);

    // Alpaca is back (the same account, behind a new server): the redrive completes the day.
    const second = await serve();
    const back = await runCli(
      ['redrive', '2025-11-28.local', '--home', home, '--broker', 'alpaca', '--json'],
      REPO_ROOT,
      second.env,
    );
    expect(back.code, back.err.join('\n')).toBe(0);
    const day = JSON.parse(back.out.at(-1)!) as {
      reconciliation: { ok: boolean };
      strategies: { outcome: string }[];
    };
    expect(day.reconciliation.ok).toBe(true);
    for (const s of day.strategies) expect(['TRADED', 'ALL_HOLD', 'BLOCKED']).toContain(s.outcome);
  }, 300_000);
});
