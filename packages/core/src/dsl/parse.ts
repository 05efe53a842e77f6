/** Entry point of the strategy language: text → validated {@link Strategy}. */
import type { Strategy } from './ast.ts';
import { compileStrategy } from './compile.ts';
import { readForms } from './reader.ts';

/**
 * Parse and validate a strategy file. Throws StrategySyntaxError or StrategySemanticError, whose message
 * starts with `file:line:col:`.
 */
export function parseStrategy(text: string, file: string): Strategy {
  return compileStrategy(readForms(text, file), file);
}
