/** Lambda handler of the `PlanRebalance` task: its step, with the broker and market-data adapters (see handlers/wrap.ts). */
import { planRebalanceTask } from '@ensemble/app';
import { tradingPorts } from '../trading-ports.ts';
import { taskHandler } from './wrap.ts';

export const handler = taskHandler(planRebalanceTask, tradingPorts);
