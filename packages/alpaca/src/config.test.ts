import { inspect } from 'node:util';
import { ConfigInvalidError } from '@ensemble/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alpacaFromEnv, alpacaSettingsFromEnv, createAlpaca } from './config.ts';
import { REDACTED, redact, redactValue } from './redact.ts';
import { type Fixture, KEY_ID, SECRET, startFixture } from './testing/fixture.ts';

const PAPER_KEY = 'PK1234567890ABCDEFGH';
const LIVE_KEY = 'AK1234567890ABCDEFGH';
const SECRET_VALUE = 'sEcReT/value+0123456789abcdefghijklmnop';

describe('live-mode guard', () => {
  it('defaults to paper', () => {
    const { broker } = createAlpaca({ keyId: PAPER_KEY, secret: SECRET_VALUE });
    expect(broker.kind).toBe('alpaca-paper');
  });

  it('allows live only when said explicitly, with a live key and the live host', () => {
    expect(
      createAlpaca({ keyId: LIVE_KEY, secret: SECRET_VALUE, mode: 'live', feed: 'iex' }).broker.kind,
    ).toBe('alpaca-live');
    const env = {
      APCA_API_KEY_ID: LIVE_KEY,
      APCA_API_SECRET_KEY: SECRET_VALUE,
      ENSEMBLE_ALPACA_MODE: 'live',
    };
    expect(alpacaFromEnv({ ...env, APCA_API_BASE_URL: 'https://api.alpaca.markets' }).broker.kind).toBe(
      'alpaca-live',
    );
  });

  it.each([
    ['live mode with a paper key', { APCA_API_KEY_ID: PAPER_KEY, ENSEMBLE_ALPACA_MODE: 'live' }, /paper key/],
    [
      'live mode on the paper host',
      {
        APCA_API_KEY_ID: LIVE_KEY,
        ENSEMBLE_ALPACA_MODE: 'live',
        APCA_API_BASE_URL: 'https://paper-api.alpaca.markets',
      },
      /not https:\/\/api\.alpaca\.markets/,
    ],
    [
      'paper mode on the live host',
      { APCA_API_KEY_ID: PAPER_KEY, APCA_API_BASE_URL: 'https://api.alpaca.markets' },
      /live host/,
    ],
    [
      'paper mode on the live host written as a fully qualified name (a trailing dot)',
      { APCA_API_KEY_ID: PAPER_KEY, APCA_API_BASE_URL: 'https://api.alpaca.markets.' },
      /live host/,
    ],
    [
      'paper mode on the live host in capitals, with its port',
      { APCA_API_KEY_ID: PAPER_KEY, APCA_API_BASE_URL: 'https://API.Alpaca.Markets.:443/v2' },
      /live host/,
    ],
    ['paper mode with a live key', { APCA_API_KEY_ID: LIVE_KEY }, /live key/],
    ['no key', { APCA_API_KEY_ID: '' }, /APCA_API_KEY_ID is required/],
    ['an unknown mode', { APCA_API_KEY_ID: PAPER_KEY, ENSEMBLE_ALPACA_MODE: 'yolo' }, /mode/],
  ])('refuses %s', (_, vars, message) => {
    const act = () => alpacaSettingsFromEnv({ APCA_API_SECRET_KEY: SECRET_VALUE, ...vars });
    expect(act).toThrow(ConfigInvalidError);
    expect(act).toThrow(message);
    try {
      act();
    } catch (e) {
      expect((e as Error).message).not.toContain(SECRET_VALUE);
    }
  });
});

describe('redaction', () => {
  it('redacts a log line carrying the key and the secret', () => {
    // Arrange
    const line = `request failed: APCA-API-KEY-ID: ${PAPER_KEY} APCA-API-SECRET-KEY=${SECRET_VALUE} body={"secret":"${SECRET_VALUE}"}`;
    // Act
    const out = redact(line, [PAPER_KEY, SECRET_VALUE]);
    // Assert
    expect(out).not.toContain(PAPER_KEY);
    expect(out).not.toContain(SECRET_VALUE);
    expect(out).toContain(REDACTED);
    // credential headers are redacted even when the value is not known
    expect(redact('APCA_API_SECRET_KEY=unknown-value-42')).toBe(`APCA_API_SECRET_KEY=${REDACTED}`);
  });

  it('redacts structured log fields', () => {
    const out = redactValue({ keyId: PAPER_KEY, nested: { secret: 'x', note: `key ${PAPER_KEY}` }, n: 1 }, [
      PAPER_KEY,
    ]);
    expect(out).toEqual({ keyId: REDACTED, nested: { secret: REDACTED, note: `key ${REDACTED}` }, n: 1 });
  });

  it('never prints credentials when an adapter or a settings error is logged', () => {
    const alpaca = createAlpaca({ keyId: PAPER_KEY, secret: SECRET_VALUE, mode: 'paper', feed: 'iex' });
    for (const text of [JSON.stringify(alpaca), inspect(alpaca, { depth: 10 }), String(alpaca.broker)]) {
      expect(text).not.toContain(SECRET_VALUE);
      expect(text).not.toContain(PAPER_KEY);
    }
  });
});

describe('alpacaFromEnv against the fake via APCA_API_BASE_URL / APCA_API_DATA_URL', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(() => f.close());

  it('reaches the fake with no fetchApi: the base URLs come from the environment', async () => {
    const alpaca = alpacaFromEnv(
      {
        APCA_API_KEY_ID: KEY_ID,
        APCA_API_SECRET_KEY: SECRET,
        APCA_API_BASE_URL: f.fake.url,
        APCA_API_DATA_URL: f.fake.url,
      },
      { rateLimit: false },
    );
    await expect(alpaca.broker.getAccount()).resolves.toMatchObject({ equity: '100000' });
    const bars = await alpaca.marketData.loadBars({ symbols: ['SPY'], from: '2025-11-01', to: '2025-11-26' });
    expect(bars.get('SPY')!.dates.at(-1)).toBe('2025-11-26');
  });
});
