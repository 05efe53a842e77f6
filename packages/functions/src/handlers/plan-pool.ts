/** Lambda handler of the `PlanPool` task (see handlers/wrap.ts and steps/). */
import { taskHandler } from './wrap.ts';

export const handler = taskHandler('PlanPool');
