/** Lambda handler of the `AggregatePool` task: its step only, with no broker or market data (see handlers/wrap.ts). */
import { aggregatePoolTask } from '@ensemble/app';
import { taskHandler } from './wrap.ts';

export const handler = taskHandler(aggregatePoolTask);
