/**
 * The deployed state machine definition: the one JSONPath ASL definition of `packages/workflow`, serialized
 * by its own `definitionJson`, with the real function ARNs substituted and every other option at the
 * workflow package's defaults — so it is the local definition apart from ARNs (test/infra checks that). Pure.
 */
import type { TaskName } from '../packages/workflow/src/contract.ts';
import { definitionJson } from '../packages/workflow/src/definition.ts';

/** The definition text to deploy, given each task's function ARN. */
export const deployedDefinition = (functionArns: Readonly<Record<TaskName, string>>): string =>
  definitionJson({ ...functionArns });
