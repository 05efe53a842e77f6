/** Lambda handler of the `Evaluate` task: its step only, with no broker or market data (see handlers/wrap.ts). */
import { evaluateTask } from '@ensemble/app';
import { taskHandler } from './wrap.ts';

export const handler = taskHandler(evaluateTask);
