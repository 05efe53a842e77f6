/**
 * Stage settings as data. Every stage trades on Alpaca's paper account unless this file says `live` for it:
 * going live is a reviewed code change, never an environment variable left set in a shell. The alarm e-mail
 * comes from `ENSEMBLE_ALARM_EMAIL` at deploy time, or from the table below.
 */
import * as z from 'zod';

/** What differs between stages. */
export interface StageSettings {
  readonly stage: string;
  /** `paper` unless configured `live` below. */
  readonly tradingMode: 'paper' | 'live';
  /** Production stages keep their table (deletion protection) and their data on `sst remove`. */
  readonly production: boolean;
  /** Who gets the alarms (SNS e-mail subscription); none when unset. */
  readonly alarmEmail: string | undefined;
  /** Whether the daily schedule is enabled (personal dev stages start runs by hand). */
  readonly scheduleEnabled: boolean;
}

type Configured = Partial<Omit<StageSettings, 'stage'>>;

/** The checked-in configuration. Change `prod` to `tradingMode: 'live'` to trade real money. */
export const CONFIGURED_STAGES: Readonly<Record<string, Configured>> = {
  prod: { tradingMode: 'paper', production: true, scheduleEnabled: true },
  staging: { tradingMode: 'paper', production: false, scheduleEnabled: true },
};

const Email = z.email();

/** Settings of `stage` from the table above and the deploy-time environment. */
export const stageSettings = (
  stage: string,
  env: Readonly<Record<string, string | undefined>> = {},
): StageSettings => {
  const c = CONFIGURED_STAGES[stage] ?? {};
  const email = env.ENSEMBLE_ALARM_EMAIL ?? c.alarmEmail;
  if (email !== undefined && !Email.safeParse(email).success) {
    throw new Error(`ENSEMBLE_ALARM_EMAIL is not an e-mail address: ${JSON.stringify(email)}`);
  }
  return {
    stage,
    tradingMode: c.tradingMode ?? 'paper',
    production: c.production ?? false,
    alarmEmail: email,
    scheduleEnabled: c.scheduleEnabled ?? false,
  };
};
