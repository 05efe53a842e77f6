/**
 * Names shared with the stack and the scheduled starter: the state machine of a stage is `ensemble-<stage>`,
 * its ledger table `ensemble-<stage>-ledger` (both owned by the stacks: `@ensemble/stacks/resource-names`), and an
 * execution is named after its trading day, so Step Functions refuses a second start of a day (test/infra
 * checks these agree with stacks/ and the starter).
 */

export { APP_NAME, ledgerTableNameOf, stateMachineNameOf } from '@ensemble/stacks/resource-names';

/** The execution name of a trading day: the day itself. */
export const executionNameOf = (tradingDay: string): string => tradingDay;

/** The calendar day of `instant` in New York (YYYY-MM-DD). */
export { newYorkDate as newYorkDay } from '@ensemble/core';

/** The ARN of execution `name` of a state machine (same account, region and partition). */
export const executionArnOf = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
