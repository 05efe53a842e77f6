/** Lambda handler of the `Execute` task: its step, with the broker and market-data adapters (see handlers/wrap.ts). */
import { executeTask } from '@ensemble/app';
import { tradingPorts } from '../trading-ports.ts';
import { taskHandler } from './wrap.ts';

export const handler = taskHandler(executeTask, tradingPorts);
