/** Lambda handler of the `Finalize` task: its step, with the broker and market-data adapters (see handlers/wrap.ts). */
import { finalizeTask } from '@ensemble/app';
import { tradingPorts } from '../trading-ports.ts';
import { taskHandler } from './wrap.ts';

export const handler = taskHandler(finalizeTask, tradingPorts);
