/** Lambda handler of the `PlanRebalance` task (see handlers/wrap.ts and steps/). */
import { taskHandler } from './wrap.ts';

export const handler = taskHandler('PlanRebalance');
