/** `ensemble definition`: the state machine's ASL JSON, with placeholder function ARNs. */
import { definitionJson, placeholderArns } from '@ensemble/workflow';
import type { CliIO } from '../io.ts';

export function definitionCommand(io: CliIO): number {
  io.out(definitionJson(placeholderArns()).trimEnd());
  return 0;
}
