/**
 * The slice of Amazon States Language (JSONPath flavour) the definition uses, as types. Only what we emit is
 * modelled; payload templates are plain JSON objects whose `.$` keys hold JSONPath.
 */

/** A JSON value, as a state payload or template. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A payload template (`Parameters`, `ItemSelector`): keys ending in `.$` hold a JSONPath. */
export type PayloadTemplate = { [key: string]: Json };

/** One `Retry` entry. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

/** One `Catch` entry. */
export interface Catcher {
  ErrorEquals: string[];
  /** Where the caught error goes; `null`: dropped (the state's input goes on). */
  ResultPath: string | null;
  Next: string;
}

interface Flow {
  Comment?: string;
  Next?: string;
  End?: true;
}

export interface TaskState extends Flow {
  Type: 'Task';
  /** A plain Lambda function ARN (not `arn:aws:states:::lambda:invoke`). */
  Resource: string;
  Parameters: PayloadTemplate;
  /** Shapes the task's result before `ResultPath` (the last task of a Map iteration: the iteration's result). */
  ResultSelector?: PayloadTemplate;
  /**
   * Where the result goes; absent = the result replaces the state (Finalize: the execution's output);
   * `null` = the result is dropped (the state's input goes on).
   */
  ResultPath?: string | null;
  TimeoutSeconds: number;
  Retry: Retrier[];
  Catch?: Catcher[];
}

export interface PassState extends Flow {
  Type: 'Pass';
  Parameters?: PayloadTemplate;
  OutputPath?: string;
  Result?: Json;
  ResultPath?: string;
}

/** A comparison on one variable (a `Choices` entry has `Next`; one inside `And` has not). */
export interface ChoiceComparison {
  Variable: string;
  StringEquals?: string;
  BooleanEquals?: boolean;
  NumericGreaterThan?: number;
  IsPresent?: boolean;
}

export type ChoiceRule = (ChoiceComparison | { And: ChoiceComparison[] }) & { Next: string };

export interface ChoiceState {
  Type: 'Choice';
  Comment?: string;
  Choices: ChoiceRule[];
  Default: string;
}

export interface SucceedState {
  Type: 'Succeed';
  Comment?: string;
  OutputPath?: string;
}

/** States and the one to start at: a Map's item processor, a Parallel's branch, or a chain of states. */
export interface StateGraph {
  StartAt: string;
  States: Record<string, AslState>;
}

export interface MapState extends Flow {
  Type: 'Map';
  ItemsPath: string;
  ItemSelector: PayloadTemplate;
  MaxConcurrency: number;
  ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' } } & StateGraph;
  /** Where the iterations' results go; `null`: dropped (the Map's input goes on). */
  ResultPath: string | null;
}

/** Ends the execution as FAILED with a fixed error name and cause. */
export interface FailState {
  Type: 'Fail';
  Comment?: string;
  Error: string;
  Cause: string;
}

/** Runs its branches on the same input; the output is the array of their outputs. */
export interface ParallelState extends Flow {
  Type: 'Parallel';
  Branches: StateGraph[];
  OutputPath?: string;
}

export type AslState =
  | TaskState
  | PassState
  | ChoiceState
  | SucceedState
  | FailState
  | MapState
  | ParallelState;

/** A whole state machine definition. */
export interface AslDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, AslState>;
}
