/**
 * Lambda handler of the `PrepareShadows` task: its step only. Shadow mode has no trading port, so this
 * function gets no broker or market-data adapter and no broker keys (see handlers/wrap.ts, docs/shadow.md).
 */
import { prepareShadowsTask } from '@ensemble/app';
import { taskHandler } from './wrap.ts';

export const handler = taskHandler(prepareShadowsTask);
