/** Lambda handler of the `PlanPool` task: its step, with the broker and market-data adapters (see handlers/wrap.ts). */
import { planPoolTask } from '@ensemble/app';
import { tradingPorts } from '../trading-ports.ts';
import { taskHandler } from './wrap.ts';

export const handler = taskHandler(planPoolTask, tradingPorts);
