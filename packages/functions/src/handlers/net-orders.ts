/**
 * Lambda handler of the `NetOrders` task: its step (ledger and snapshot only: netting moves shares and cash
 * between books inside the ledger, never at the broker; see handlers/wrap.ts).
 */
import { netOrdersTask } from '@ensemble/app';
import { taskHandler } from './wrap.ts';

export const handler = taskHandler(netOrdersTask);
