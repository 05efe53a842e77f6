/**
 * The performance report of a deployed stage: the same `historyFromLedger` as `ensemble report`, over the
 * stage's ledger table (`ensemble-<stage>-ledger`) through the usual AWS environment, with the bundled
 * market data for the benchmark and the holdings' values (sessions after the bundled data have neither).
 * A stage without its table is a CloudError.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { historyFromLedger } from '@ensemble/app';
import type { LoadedConfig } from '@ensemble/config';
import type { MarketData, PerformanceHistory } from '@ensemble/core';
import { createLedger } from '@ensemble/ledger';
import { CloudError } from './errors.ts';
import { ledgerTableNameOf } from './naming.ts';

/** Options of {@link stageHistory}. */
export interface StageHistoryOptions {
  readonly client: DynamoDBClient;
  readonly stage: string;
  readonly config: LoadedConfig;
  readonly marketData: MarketData;
  readonly from?: string;
  readonly to?: string;
}

/** The recorded history of `stage` (null when it has no NAV in the range). */
export const stageHistory = async (o: StageHistoryOptions): Promise<PerformanceHistory | null> => {
  const table = ledgerTableNameOf(o.stage);
  try {
    return await historyFromLedger(createLedger({ table, client: o.client }), {
      config: o.config,
      marketData: o.marketData,
      ...(o.from ? { from: o.from } : {}),
      ...(o.to ? { to: o.to } : {}),
    });
  } catch (e) {
    const err = e as { name?: unknown; cause?: { name?: unknown } };
    if (err.name === 'ResourceNotFoundException' || err.cause?.name === 'ResourceNotFoundException') {
      throw new CloudError(
        `no ledger table ${table} in this account and region (deploy the stage: npx sst deploy --stage ${o.stage})`,
      );
    }
    throw e;
  }
};
