/** Lambda handler of the `Finalize` task (see handlers/wrap.ts and steps/). */
import { taskHandler } from './wrap.ts';

export const handler = taskHandler('Finalize');
