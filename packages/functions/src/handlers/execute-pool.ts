/** Lambda handler of the `ExecutePool` task (see handlers/wrap.ts and steps/). */
import { taskHandler } from './wrap.ts';

export const handler = taskHandler('ExecutePool');
