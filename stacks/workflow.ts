/**
 * The state machine, deployed with a raw `aws.sfn.StateMachine` from the one definition in
 * `packages/workflow` (SST's StepFunctions helpers emit JSONata, which the local runner cannot execute).
 * Standard type (exactly-once task starts, redrive), CloudWatch logging, X-Ray tracing, and a role that may
 * invoke only its task functions.
 */

import { TaskNames } from '../packages/workflow/src/contract.ts';
import { deployedDefinition } from './definition.ts';
import { taskFunctionsByName } from './functions.ts';
import { assumeRolePolicy, stateMachinePolicy } from './policies.ts';
import { stateMachineNameOf } from './resource-names.ts';
import { settings } from './settings.ts';

const identity = aws.getCallerIdentityOutput({});
const arnsByTask = $resolve(
  Object.fromEntries(TaskNames.map((t) => [t, (taskFunctionsByName[t] as sst.aws.Function).arn])),
);

// The /aws/vendedlogs/ prefix keeps the CloudWatch Logs resource policy small (AWS's recommendation).
export const workflowLogs = new aws.cloudwatch.LogGroup('WorkflowLogs', {
  name: `/aws/vendedlogs/states/${$app.name}-${$app.stage}-workflow`,
  retentionInDays: settings.production ? 365 : 30,
});

const role = new aws.iam.Role('WorkflowRole', {
  assumeRolePolicy: identity.accountId.apply((id) =>
    JSON.stringify(assumeRolePolicy('states.amazonaws.com', id)),
  ),
});

const rolePolicy = new aws.iam.RolePolicy('WorkflowRolePolicy', {
  role: role.id,
  policy: arnsByTask.apply((arns) =>
    JSON.stringify(stateMachinePolicy(TaskNames.map((t) => arns[t] as string))),
  ),
});

export const stateMachine = new aws.sfn.StateMachine(
  'Workflow',
  {
    name: stateMachineNameOf($app.stage),
    type: 'STANDARD',
    roleArn: role.arn,
    definition: arnsByTask.apply((arns) =>
      deployedDefinition(arns as Record<(typeof TaskNames)[number], string>),
    ),
    loggingConfiguration: {
      logDestination: $interpolate`${workflowLogs.arn}:*`,
      includeExecutionData: true,
      level: 'ALL',
    },
    tracingConfiguration: { enabled: true },
  },
  { dependsOn: [rolePolicy] },
);
