/** Lambda handler of the `Evaluate` task (see handlers/wrap.ts and steps/). */
import { taskHandler } from './wrap.ts';

export const handler = taskHandler('Evaluate');
