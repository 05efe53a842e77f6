/** Lambda handler of the `PrepareRun` task (see handlers/wrap.ts and steps/). */
import { taskHandler } from './wrap.ts';

export const handler = taskHandler('PrepareRun');
