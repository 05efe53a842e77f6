/**
 * The deployed definition: the workflow package's one definition with real-looking ARNs, valid ASL, equal to
 * the local definition apart from the ARNs, invoking exactly the functions the state machine role may
 * invoke, and with every task's timeout above its Lambda timeout.
 */
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { type TaskName, TaskNames } from '../../packages/workflow/src/contract.ts';
import { definitionJson, localArns } from '../../packages/workflow/src/definition.ts';
import { deployedDefinition } from '../../stacks/definition.ts';
import { functionSpec } from '../../stacks/manifest.ts';
import { stateMachinePolicy } from '../../stacks/policies.ts';

/** ARNs shaped like SST's (`<app>-<stage>-<Name>Function-<suffix>`). */
const SAMPLE = Object.fromEntries(
  TaskNames.map((t, i) => [
    t,
    `arn:aws:lambda:eu-west-1:111122223333:function:ensemble-prod-${t}Function-${i}x7k`,
  ]),
) as Record<TaskName, string>;

/** The text with each quoted task ARN replaced by `"<Task>"` (quoted: one ARN may prefix another). */
const withoutArns = (text: string, arns: Record<TaskName, string>): string =>
  TaskNames.reduce((s, t) => s.split(`"${arns[t]}"`).join(`"<${t}>"`), text);

/** Every Lambda ARN a definition mentions, wherever it sits. */
const lambdaArnsIn = (text: string): string[] => [
  ...new Set([...text.matchAll(/arn:aws:lambda:[^"]+/g)].map((m) => m[0])),
];

type State = { Type: string; Resource?: string; TimeoutSeconds?: number; [k: string]: unknown };
const statesOf = (def: unknown): Map<string, State> => {
  const out = new Map<string, State>();
  const walk = (states: Record<string, State>) => {
    for (const [name, s] of Object.entries(states)) {
      out.set(name, s);
      const nested = (s.ItemProcessor ?? s.Iterator) as { States: Record<string, State> } | undefined;
      if (nested) walk(nested.States);
      for (const b of (s.Branches as { States: Record<string, State> }[] | undefined) ?? []) walk(b.States);
    }
  };
  walk((def as { States: Record<string, State> }).States);
  return out;
};

describe('deployed definition', () => {
  const deployed = deployedDefinition(SAMPLE);

  it('validates with asl-validator (ARNs and JSONPaths checked)', () => {
    const { isValid, errors } = aslValidator(JSON.parse(deployed), { checkArn: true, checkPaths: true });
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it('is byte for byte the local definition apart from the ARNs', () => {
    const local = definitionJson(localArns());
    expect(withoutArns(deployed, SAMPLE)).toBe(withoutArns(local, localArns()));
    expect(deployed).not.toBe(local);
  });

  it('invokes exactly the functions the state machine role may invoke', () => {
    const invokable = stateMachinePolicy(TaskNames.map((t) => SAMPLE[t]))
      .Statement.filter((s) => s.Action.includes('lambda:InvokeFunction'))
      .flatMap((s) => s.Resource)
      .filter((r) => !r.endsWith(':*'));
    expect(lambdaArnsIn(deployed).sort()).toEqual([...invokable].sort());
  });

  it("gives every task more time than its Lambda's timeout", () => {
    const states = statesOf(JSON.parse(deployed));
    for (const t of TaskNames) {
      const state = states.get(t);
      expect(state?.Type, t).toBe('Task');
      expect(state?.TimeoutSeconds, t).toBeGreaterThan(functionSpec(t).timeoutSeconds);
    }
  });
});
