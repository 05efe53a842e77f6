/**
 * The one ElectroDB Service over the ledger table: every entity, and the `runTimeline` (gsi1) and `book`
 * (primary) collections, in one scope (production or shadow: see entities/scope.ts). Internal: the
 * repository is the only user.
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
import { createPaperAccountEntity, createPaperOrderEntity } from './entities/paper-account.ts';
import { createPlanEntity } from './entities/plan.ts';
import { createPositionEntity } from './entities/position.ts';
import { createRunEntity } from './entities/run.ts';
import { type LedgerScope, serviceOf } from './entities/scope.ts';
import { createSignalEntity } from './entities/signal.ts';
import { createStrategyRunEntity } from './entities/strategy-run.ts';
import { createTransferEntity } from './entities/transfer.ts';
import { createTransferPlanEntity } from './entities/transfer-plan.ts';

/** Build the ledger Service of `scope` bound to a table and a client, over fresh entity instances. */
export const createLedgerService = (
  table: string,
  client: DynamoDBClient,
  scope: LedgerScope = 'production',
) => {
  const service = serviceOf(scope);
  return new Service(
    {
      run: createRunEntity(service),
      strategyRun: createStrategyRunEntity(service),
      signal: createSignalEntity(service),
      plan: createPlanEntity(service),
      poolAttribution: createPoolAttributionEntity(service),
      order: createOrderEntity(service),
      fill: createFillEntity(service),
      position: createPositionEntity(service),
      cash: createCashEntity(service),
      nav: createNavEntity(service),
      transfer: createTransferEntity(service),
      transferPlan: createTransferPlanEntity(service),
      flowState: createFlowStateEntity(service),
      flag: createFlagEntity(service),
      lease: createLeaseEntity(service),
      notional: createNotionalEntity(service),
      paperAccount: createPaperAccountEntity(service),
      paperOrder: createPaperOrderEntity(service),
    },
    { table, client },
  );
};

export type LedgerService = ReturnType<typeof createLedgerService>;
export type LedgerEntities = LedgerService['entities'];
