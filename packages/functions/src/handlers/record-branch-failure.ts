/** Lambda handler of the `RecordBranchFailure` task: its step only, with no broker or market data (see handlers/wrap.ts). */
import { recordBranchFailureTask } from '@ensemble/app';
import { taskHandler } from './wrap.ts';

export const handler = taskHandler(recordBranchFailureTask);
