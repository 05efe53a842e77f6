/**
 * The kill switch of a deployed stage, read and written through the ledger's own code in the stage's table
 * (`ensemble-<stage>-ledger`, the name the stack gives it). The DynamoDB client is injected: the CLI passes
 * one from the usual AWS environment, tests one for a loopback server.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLedger, type KillSwitch, type SetKillSwitchInput } from '@ensemble/ledger';
import { CloudError } from './errors.ts';
import { ledgerTableNameOf } from './naming.ts';

/** The kill switch of one stage, and where it was read. */
export interface StageKillSwitch extends KillSwitch {
  readonly stage: string;
  readonly table: string;
}

/** Options of {@link stageKillSwitch}. */
export interface StageKillSwitchOptions {
  readonly client: DynamoDBClient;
  readonly stage: string;
  /** Set it to this; absent: only read it. */
  readonly set?: SetKillSwitchInput;
  /** Clock of the `updatedAt` written. @default () => new Date() */
  readonly clock?: () => Date;
}

/** Reads, or sets then returns, the kill switch of `stage`; a stage without its table is a CloudError. */
export const stageKillSwitch = async (o: StageKillSwitchOptions): Promise<StageKillSwitch> => {
  const table = ledgerTableNameOf(o.stage);
  const ledger = createLedger({ table, client: o.client, ...(o.clock ? { clock: o.clock } : {}) });
  try {
    const state = o.set ? await ledger.setKillSwitch(o.set) : await ledger.getKillSwitch();
    return { stage: o.stage, table, ...state };
  } catch (e) {
    if (causeName(e) === 'ResourceNotFoundException') {
      throw new CloudError(
        `no ledger table ${table} in this account and region (deploy the stage: npx sst deploy --stage ${o.stage})`,
      );
    }
    throw e;
  }
};

/** The name of the error itself or of its cause (the ledger wraps SDK errors in LedgerPersistenceError). */
const causeName = (e: unknown): string | undefined => {
  const err = e as { name?: unknown; cause?: { name?: unknown } } | undefined;
  const own = typeof err?.name === 'string' ? err.name : undefined;
  const cause = typeof err?.cause?.name === 'string' ? err.cause.name : undefined;
  return own === 'ResourceNotFoundException' ? own : cause;
};
