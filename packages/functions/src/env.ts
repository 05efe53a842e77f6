/**
 * The Lambda environment, zod-parsed once (the only module that reads `process.env`). A missing or bad
 * variable fails the cold start with an {@link EnvInvalidError} listing every problem; secret values are
 * never part of a message. The Alpaca keys are the exception: only the functions whose step calls the broker
 * or loads bars receive them (stacks/manifest.ts), so they are checked when the broker is first used
 * ({@link requireAlpacaKeys}, called by the lazy ports of env-runtime.ts), not at cold start.
 */

import { issueLines } from '@ensemble/app';
import * as z from 'zod';
import { EnvInvalidError } from './errors.ts';

/** The variables a Lambda of the workflow reads. */
export const FunctionEnv = z.object({
  /** The ledger's DynamoDB table. */
  ENSEMBLE_TABLE: z.string().min(1),
  /** The S3 bucket of market-data snapshots, evaluation traces and daily reports. */
  ENSEMBLE_BUCKET: z.string().min(1),
  /** The stage's SNS topic, given to the function that publishes the day's summary (Finalize) only. */
  ENSEMBLE_TOPIC_ARN: z.string().startsWith('arn:aws:sns:').optional(),
  /** Deployment stage (`dev`, `prod`): part of run ids and client order ids. */
  ENSEMBLE_STAGE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,19}$/, 'expected a lowercase slug of ≤ 20 characters'),
  /** Which broker trades: the simulated one (state in DynamoDB) or Alpaca. */
  ENSEMBLE_BROKER: z.enum(['sim', 'alpaca']),
  /** Alpaca account kind. @default 'paper' */
  ENSEMBLE_TRADING_MODE: z.enum(['paper', 'live']).default('paper'),
  /** Path of the bundled `ensemble.config.yaml` (strategy files are resolved next to it). */
  ENSEMBLE_CONFIG: z.string().min(1),
  /** The simulated broker's table (ENSEMBLE_BROKER=sim). @default 'ensemble-sim-broker' */
  ENSEMBLE_SIM_BROKER_TABLE: z.string().min(1).optional(),
  APCA_API_KEY_ID: z.string().optional(),
  APCA_API_SECRET_KEY: z.string().optional(),
});
export type FunctionEnv = z.infer<typeof FunctionEnv>;

/** Parses `env` (default: `process.env`); empty values count as unset. */
export const readEnv = (env: Readonly<Record<string, string | undefined>> = process.env): FunctionEnv => {
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = FunctionEnv.safeParse(set);
  if (!parsed.success) throw new EnvInvalidError(issueLines(parsed.error.issues));
  return parsed.data;
};

/**
 * Throws {@link EnvInvalidError} unless the Alpaca key pair is set: called on the first use of the Alpaca
 * broker or market data (a function without the keys builds its runtime, and fails only if it trades).
 */
export const requireAlpacaKeys = (e: FunctionEnv): void => {
  if (!e.APCA_API_KEY_ID || !e.APCA_API_SECRET_KEY) {
    throw new EnvInvalidError([
      'APCA_API_KEY_ID and APCA_API_SECRET_KEY are required with ENSEMBLE_BROKER=alpaca',
    ]);
  }
};

/** Values of the secret variables present in `env` (masked wherever they appear in a log line). */
export const secretValues = (env: Readonly<Record<string, string | undefined>> = process.env): string[] =>
  ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY', 'APCA_API_OAUTH_TOKEN']
    .map((name) => env[name])
    .filter((v): v is string => v !== undefined && v !== '');
