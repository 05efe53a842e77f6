/** Lambda handler of the `RecordBranchFailure` task (see handlers/wrap.ts and steps/). */
import { taskHandler } from './wrap.ts';

export const handler = taskHandler('RecordBranchFailure');
