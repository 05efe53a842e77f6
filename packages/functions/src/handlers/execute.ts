/** Lambda handler of the `Execute` task (see handlers/wrap.ts and steps/). */
import { taskHandler } from './wrap.ts';

export const handler = taskHandler('Execute');
