import { randomUUID } from 'node:crypto';
import { AwsError } from '../../aws-error';
import { requiredParam } from '../../gateway/query-protocol';
import type { StackRecord } from '../stack-engine';
import { NO_CHANGES_REASON, type ChangeSet, type ExecutionStatus } from './change-set';
import { OPERATION_WAIT_MS, PLAN_WAIT_MS } from './waits';
import type { Action, ApiContext } from './context';
import { changeSetShape, changeSetSummaryShape } from './render';
import { checkStackName, inProgress, stackNameParam } from './request';
import { sameAsDeployed, stackInputFrom } from './stack-input';

const CHANGE_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;

/**
 * CreateChangeSet: checks the request and the template at once (format errors are the call's
 * errors), answers the change set's id, and plans it in the background (`CREATE_PENDING` until the
 * engine has said what would change). A CREATE change set puts a new stack in REVIEW_IN_PROGRESS.
 */
export const createChangeSet: Action = async (params, context) => {
  const stackName = stackNameParam(params);
  const name = requiredParam(params, 'ChangeSetName');
  checkStackName(stackName);
  if (!CHANGE_SET_NAME.test(name) || name.length > 128) {
    throw new AwsError('ValidationError', `1 validation error detected: Value '${name}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`);
  }
  const type = params['ChangeSetType'] ?? 'UPDATE';
  if (type !== 'CREATE' && type !== 'UPDATE') {
    throw new AwsError('ValidationError', type === 'IMPORT' ? 'The local cloud does not import resources (ChangeSetType IMPORT).' : `1 validation error detected: Value '${type}' at 'changeSetType' failed to satisfy constraint: Member must satisfy enum value set: [IMPORT, UPDATE, CREATE]`);
  }
  const { directory } = context;
  const existing = directory.find(stackName);
  if (type === 'CREATE') {
    const taken = stackName.startsWith('arn:') || (existing !== undefined && !directory.isReview(existing));
    if (taken) throw new AwsError('ValidationError', `Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`);
  } else {
    if (existing === undefined) throw new AwsError('ValidationError', `Stack [${stackName}] does not exist`);
    checkUpdatable(existing);
  }
  const { input } = await stackInputFrom(params, existing?.stackName ?? stackName, type === 'UPDATE' ? existing : undefined, context.readTemplateUrl);
  const stack = existing ?? directory.openReview(stackName, input.tags ?? []);
  const changeSet: ChangeSet = {
    id: `arn:aws:cloudformation:${context.region}:${context.accountId}:changeSet/${name}/${randomUUID()}`,
    name,
    stackId: stack.stackId,
    stackName: stack.stackName,
    type,
    ...(params['Description'] === undefined ? {} : { description: params['Description'] }),
    input,
    createdAt: context.clock.now(),
    status: 'CREATE_PENDING',
    execution: 'UNAVAILABLE',
    changes: [],
  };
  directory.addChangeSet(changeSet);
  const planning = context.background(async () => {
    changeSet.status = 'CREATE_IN_PROGRESS';
    try {
      const changes = await directory.engine.plan(input);
      changeSet.changes = changes;
      const deployed = type === 'UPDATE' ? directory.find(stack.stackId) : undefined;
      if (changes.length === 0 && deployed !== undefined && sameAsDeployed(input, deployed)) {
        changeSet.status = 'FAILED';
        changeSet.statusReason = NO_CHANGES_REASON;
        return;
      }
      changeSet.status = 'CREATE_COMPLETE';
      changeSet.execution = 'AVAILABLE';
    } catch (error) {
      changeSet.status = 'FAILED';
      changeSet.statusReason = (error as Error).message;
    }
  });
  await context.briefly(planning, PLAN_WAIT_MS);
  return { Id: changeSet.id, StackId: stack.stackId };
};

/** DescribeChangeSet: its status, execution status and one line per resource it changes. */
export const describeChangeSet: Action = async (params, context) => {
  const { changeSet } = context.directory.findChangeSet(requiredParam(params, 'ChangeSetName'), params['StackName']);
  return changeSetShape(changeSet, executionStatus(changeSet, context));
};

/**
 * ExecuteChangeSet: applies the change set's input through the engine (which answers at once with
 * the stack in progress); the stack's other change sets are deleted, as they no longer apply.
 */
export const executeChangeSet: Action = async (params, context) => {
  const { directory } = context;
  const { changeSet, stack } = directory.findChangeSet(requiredParam(params, 'ChangeSetName'), params['StackName']);
  if (changeSet.status !== 'CREATE_COMPLETE') {
    throw new AwsError('InvalidChangeSetStatus', `ChangeSet [${changeSet.id}] cannot be executed in its current status of [${changeSet.status}]`);
  }
  const execution = executionStatus(changeSet, context);
  if (execution !== 'AVAILABLE') {
    throw new AwsError('InvalidChangeSetStatus', `ChangeSet [${changeSet.id}] cannot be executed in its current execution status of [${execution}]`);
  }
  if (stack !== undefined && !directory.isReview(stack)) checkUpdatable(stack);
  changeSet.execution = 'EXECUTE_IN_PROGRESS';
  let applied: StackRecord;
  try {
    applied = await directory.engine.apply(changeSet.input);
  } catch (error) {
    changeSet.execution = 'AVAILABLE';
    throw error;
  }
  changeSet.executedStackId = applied.stackId;
  directory.executed(changeSet, applied);
  for (const other of directory.changeSetsOf(applied)) if (other !== changeSet) directory.removeChangeSet(other);
  await context.briefly(directory.engine.idle(), OPERATION_WAIT_MS);
  return {};
};

/**
 * DeleteChangeSet. A change set that is not there is no error when its stack is (the CDK CLI
 * clears its change set name before every deploy).
 */
export const deleteChangeSet: Action = async (params, context) => {
  const name = requiredParam(params, 'ChangeSetName');
  const stackName = params['StackName'];
  if (!name.startsWith('arn:') && stackName === undefined) throw new AwsError('ValidationError', 'StackName must be specified if ChangeSetName is not specified as an ARN.');
  if (stackName !== undefined && context.directory.find(stackName) === undefined) throw new AwsError('ValidationError', `Stack [${stackName}] does not exist`);
  let changeSet: ChangeSet;
  try {
    changeSet = context.directory.findChangeSet(name, stackName).changeSet;
  } catch (error) {
    if (error instanceof AwsError && error.type === 'ChangeSetNotFound') return {};
    throw error;
  }
  if (executionStatus(changeSet, context) === 'EXECUTE_IN_PROGRESS') {
    throw new AwsError('InvalidChangeSetStatus', `Cannot delete ChangeSet [${changeSet.id}] while it is executing (EXECUTE_IN_PROGRESS).`);
  }
  context.directory.removeChangeSet(changeSet);
  return {};
};

/** ListChangeSets: the stack's change sets, oldest first. */
export const listChangeSets: Action = async (params, context) => {
  const stackName = stackNameParam(params);
  const stack = context.directory.find(stackName);
  if (stack === undefined) throw new AwsError('ValidationError', `Stack [${stackName}] does not exist`);
  return { Summaries: context.directory.changeSetsOf(stack).map((c) => changeSetSummaryShape(c, executionStatus(c, context))) };
};

/**
 * A change set's execution status: stored until it runs, then read from the stack's status until
 * the operation ends (and kept from then on).
 */
export function executionStatus(changeSet: ChangeSet, context: ApiContext): ExecutionStatus {
  if (changeSet.executedStackId === undefined || changeSet.execution !== 'EXECUTE_IN_PROGRESS') return changeSet.execution;
  const stack = context.directory.engine.get(changeSet.executedStackId);
  if (stack === undefined || inProgress(stack.status)) return 'EXECUTE_IN_PROGRESS';
  changeSet.execution = stack.status === 'CREATE_COMPLETE' || stack.status === 'UPDATE_COMPLETE' ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
  return changeSet.execution;
}

/** Refuses changing a stack that is deleted, in review or busy, in CloudFormation's words. */
export function checkUpdatable(stack: StackRecord): void {
  if (stack.status.startsWith('DELETE_') || stack.status === 'REVIEW_IN_PROGRESS' || inProgress(stack.status)) {
    throw new AwsError('ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
  }
}
