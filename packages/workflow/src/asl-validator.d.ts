/** Types of `asl-validator` 4 (the package ships none). */
declare module 'asl-validator' {
  interface ValidationError {
    /** Set by the JSON-schema checks (with `instancePath`). */
    message?: string;
    instancePath?: string;
    /** Set by the structural checks (with `Error code`). */
    Message?: string;
    'Error code'?: string;
    [key: string]: unknown;
  }
  interface ValidationResult {
    isValid: boolean;
    errors: ValidationError[];
    errorsText: (separator?: string) => string;
  }
  function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): ValidationResult;
  export = aslValidator;
}
