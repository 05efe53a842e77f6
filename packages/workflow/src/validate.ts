/**
 * Validation of a definition with `asl-validator` 4 (the top-level one, not the older copy bundled inside
 * aws-local-stepfunctions). The validator annotates the object it checks, so it is given a copy; it also
 * compiles its schemas on every call (~0.5 s), so verdicts are remembered per definition text.
 */
import aslValidator from 'asl-validator';

/** The validator's verdict: `errors` holds one readable line per problem. */
export interface DefinitionValidation {
  readonly valid: boolean;
  readonly errors: readonly string[];
}

const verdicts = new Map<string, DefinitionValidation>();
const REMEMBERED = 16;

/** Validates `definition` (ARN syntax and JSONPath expressions included). */
export const validateDefinition = (definition: unknown): DefinitionValidation => {
  const text = JSON.stringify(definition);
  const known = verdicts.get(text);
  if (known) return known;
  const { isValid, errors } = aslValidator(JSON.parse(text), { checkArn: true, checkPaths: true });
  const verdict: DefinitionValidation = {
    valid: isValid,
    errors: errors.map((e) => {
      const text =
        e.Message ?? (e.message ? `${e.instancePath ?? ''} ${e.message}`.trim() : JSON.stringify(e));
      return `${e['Error code'] ?? 'SCHEMA'}: ${text}`;
    }),
  };
  if (verdicts.size >= REMEMBERED) verdicts.delete(verdicts.keys().next().value as string);
  verdicts.set(text, verdict);
  return verdict;
};
