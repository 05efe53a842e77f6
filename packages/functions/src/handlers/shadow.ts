/**
 * Lambda handler of the `Shadow` task: its step only. It trades paper books on the SimBroker over the ledger's
 * shadow scope; it gets no broker or market-data adapter and no broker keys (see handlers/wrap.ts,
 * docs/shadow.md).
 */
import { shadowTask } from '@ensemble/app';
import { taskHandler } from './wrap.ts';

export const handler = taskHandler(shadowTask);
