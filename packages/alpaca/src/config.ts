/**
 * Settings of the Alpaca adapters, from the environment (Alpaca's conventional variables) or from code, and
 * the live-trading guard: paper is the default; live needs `mode: 'live'` said explicitly, and refuses a
 * paper key (paper keys start with `PK`) or a trading URL that is not Alpaca's live host. Paper mode refuses
 * the live host and live keys (`AK…`) in turn, so a mix-up fails before any request.
 */
import { ConfigInvalidError } from '@ensemble/core';
import * as z from 'zod';
import { AlpacaBroker, type AlpacaMode } from './broker.ts';
import { type AlpacaFeed, AlpacaMarketData } from './market-data.ts';
import { redact } from './redact.ts';
import { type AlpacaSdkOptions, createAlpacaSdk } from './sdk.ts';

/** Alpaca's hosts. */
export const ALPACA_PAPER_URL = 'https://paper-api.alpaca.markets';
export const ALPACA_LIVE_URL = 'https://api.alpaca.markets';
export const ALPACA_DATA_URL = 'https://data.alpaca.markets';

/** Everything the adapters need. */
export const AlpacaSettings = z.object({
  keyId: z.string().min(1, 'APCA_API_KEY_ID is required'),
  secret: z.string().min(1, 'APCA_API_SECRET_KEY is required'),
  /** @default 'paper' */
  mode: z.enum(['paper', 'live']).default('paper'),
  /** `APCA_API_BASE_URL`. @default the host of `mode` */
  tradingUrl: z.url().optional(),
  /** `APCA_API_DATA_URL`. @default https://data.alpaca.markets */
  dataUrl: z.url().optional(),
  /** @default 'iex' */
  feed: z.enum(['iex', 'sip']).default('iex'),
});
export type AlpacaSettings = z.infer<typeof AlpacaSettings>;
/** Settings as written (`mode` and `feed` optional). */
export type AlpacaSettingsInput = z.input<typeof AlpacaSettings>;

/**
 * The host name a URL reaches, as DNS resolves it: lower case, without the port and without the trailing
 * dot of a fully qualified name (`https://API.alpaca.markets.:443/` is the live host).
 */
const hostOf = (url: string): string => new URL(url).hostname.toLowerCase().replace(/\.+$/, '');

/** Throws {@link ConfigInvalidError} when the settings could trade on the wrong account. */
export const checkTradingMode = (s: AlpacaSettings): void => {
  const live = hostOf(ALPACA_LIVE_URL);
  const problems: string[] = [];
  if (s.mode === 'live') {
    if (s.keyId.startsWith('PK')) problems.push('live mode with a paper key (paper keys start with PK)');
    if (s.tradingUrl !== undefined && hostOf(s.tradingUrl) !== live) {
      problems.push(`live mode but APCA_API_BASE_URL is ${s.tradingUrl}, not ${ALPACA_LIVE_URL}`);
    }
  } else {
    if (s.keyId.startsWith('AK')) problems.push('paper mode with a live key (live keys start with AK)');
    if (s.tradingUrl !== undefined && hostOf(s.tradingUrl) === live) {
      problems.push(`paper mode but APCA_API_BASE_URL is the live host ${ALPACA_LIVE_URL}`);
    }
  }
  if (problems.length > 0) throw new ConfigInvalidError('refusing to start the Alpaca broker', problems);
};

/** Parses and checks settings; messages never contain the secret. */
export const parseAlpacaSettings = (input: unknown): AlpacaSettings => {
  const parsed = AlpacaSettings.safeParse(input);
  if (!parsed.success) {
    const secrets = typeof input === 'object' && input !== null ? Object.values(input).map(String) : [];
    throw new ConfigInvalidError(
      'invalid Alpaca settings',
      parsed.error.issues.map((i) => redact(`${i.message} (${i.path.join('.') || 'settings'})`, secrets)),
    );
  }
  checkTradingMode(parsed.data);
  return parsed.data;
};

/**
 * Settings from Alpaca's conventional variables — `APCA_API_KEY_ID`, `APCA_API_SECRET_KEY`,
 * `APCA_API_BASE_URL`, `APCA_API_DATA_URL` — plus `ENSEMBLE_ALPACA_MODE` (`paper` | `live`) and
 * `ENSEMBLE_ALPACA_FEED` (`iex` | `sip`). Empty variables count as unset.
 */
export const alpacaSettingsFromEnv = (env: Readonly<Record<string, string | undefined>>): AlpacaSettings => {
  const v = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  return parseAlpacaSettings({
    keyId: v('APCA_API_KEY_ID') ?? '',
    secret: v('APCA_API_SECRET_KEY') ?? '',
    mode: v('ENSEMBLE_ALPACA_MODE'),
    tradingUrl: v('APCA_API_BASE_URL'),
    dataUrl: v('APCA_API_DATA_URL'),
    feed: v('ENSEMBLE_ALPACA_FEED'),
  });
};

/** The two adapters over one SDK configuration. */
export interface Alpaca {
  readonly broker: AlpacaBroker;
  readonly marketData: AlpacaMarketData;
}

/** Transport options that are not settings (tests and the fake server). */
export type AlpacaTransport = Pick<AlpacaSdkOptions, 'fetchApi' | 'retry' | 'rateLimit' | 'timeoutMs'>;

/** Builds the broker and market data from checked settings. */
export const createAlpaca = (settings: AlpacaSettingsInput, transport: AlpacaTransport = {}): Alpaca => {
  const s = parseAlpacaSettings(settings);
  const sdk = createAlpacaSdk({
    ...transport,
    keyId: s.keyId,
    secret: s.secret,
    paper: s.mode === 'paper',
    ...(s.tradingUrl !== undefined && { tradingUrl: s.tradingUrl }),
    ...(s.dataUrl !== undefined && { dataUrl: s.dataUrl }),
  });
  const broker = new AlpacaBroker(sdk, s.mode satisfies AlpacaMode);
  const marketData = new AlpacaMarketData({
    stocks: sdk.stocks,
    calendar: broker,
    feed: s.feed satisfies AlpacaFeed,
  });
  return { broker, marketData };
};

/** {@link createAlpaca} with {@link alpacaSettingsFromEnv}: what the CLI and the Lambdas call. */
export const alpacaFromEnv = (
  env: Readonly<Record<string, string | undefined>>,
  transport: AlpacaTransport = {},
): Alpaca => createAlpaca(alpacaSettingsFromEnv(env), transport);
