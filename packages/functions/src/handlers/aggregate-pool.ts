/** Lambda handler of the `AggregatePool` task (see handlers/wrap.ts and steps/). */
import { taskHandler } from './wrap.ts';

export const handler = taskHandler('AggregatePool');
