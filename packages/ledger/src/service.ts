/**
 * The one ElectroDB Service over the ledger table: every entity, and the `runTimeline` (gsi1) and `book`
 * (primary) collections. Internal: the repository is the only user.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Service } from 'electrodb';
import { createPoolAttributionEntity } from './entities/attribution.ts';
import { createCashEntity } from './entities/cash.ts';
import { createFillEntity } from './entities/fill.ts';
import { createFlagEntity } from './entities/flag.ts';
import { createFlowStateEntity } from './entities/flow-state.ts';
import { createLeaseEntity } from './entities/lease.ts';
import { createNavEntity } from './entities/nav.ts';
import { createNotionalEntity } from './entities/notional.ts';
import { createOrderEntity } from './entities/order.ts';
import { createPlanEntity } from './entities/plan.ts';
import { createPositionEntity } from './entities/position.ts';
import { createRunEntity } from './entities/run.ts';
import { createSignalEntity } from './entities/signal.ts';
import { createStrategyRunEntity } from './entities/strategy-run.ts';
import { createTransferEntity } from './entities/transfer.ts';
import { createTransferPlanEntity } from './entities/transfer-plan.ts';

/** Build the ledger Service bound to a table and a client, over fresh entity instances. */
export const createLedgerService = (table: string, client: DynamoDBClient) =>
  new Service(
    {
      run: createRunEntity(),
      strategyRun: createStrategyRunEntity(),
      signal: createSignalEntity(),
      plan: createPlanEntity(),
      poolAttribution: createPoolAttributionEntity(),
      order: createOrderEntity(),
      fill: createFillEntity(),
      position: createPositionEntity(),
      cash: createCashEntity(),
      nav: createNavEntity(),
      transfer: createTransferEntity(),
      transferPlan: createTransferPlanEntity(),
      flowState: createFlowStateEntity(),
      flag: createFlagEntity(),
      lease: createLeaseEntity(),
      notional: createNotionalEntity(),
    },
    { table, client },
  );

export type LedgerService = ReturnType<typeof createLedgerService>;
export type LedgerEntities = LedgerService['entities'];
