import { AwsError } from '../../aws-error';
import { booleanParam, queryStringList } from '../../gateway/query-protocol';
import { checkUpdatable } from './change-set-actions';
import type { Action } from './context';
import { OPERATION_WAIT_MS } from './waits';
import { stackShape, stackSummaryShape } from './render';
import { checkStackName, stackNameParam } from './request';
import { sameAsDeployed, stackInputFrom } from './stack-input';

/** CreateStack: the engine creates it in the background; a stack in review gives up its name to it. */
export const createStack: Action = async (params, context) => {
  const stackName = stackNameParam(params);
  checkStackName(stackName);
  const { directory } = context;
  const existing = directory.find(stackName);
  if (existing !== undefined && !directory.isReview(existing)) throw new AwsError('AlreadyExistsException', `Stack [${stackName}] already exists`);
  const { input } = await stackInputFrom(params, stackName, undefined, context.readTemplateUrl);
  const created = await directory.engine.apply(input);
  if (existing !== undefined) directory.closeReview(existing.stackId, created);
  await context.briefly(directory.engine.idle(), OPERATION_WAIT_MS);
  return { StackId: created.stackId };
};

/** UpdateStack: refused when it would change nothing ("No updates are to be performed."). */
export const updateStack: Action = async (params, context) => {
  const stackName = stackNameParam(params);
  const { directory } = context;
  const stack = directory.find(stackName);
  if (stack === undefined) throw new AwsError('ValidationError', `Stack [${stackName}] does not exist`);
  checkUpdatable(stack);
  const { input } = await stackInputFrom(params, stack.stackName, stack, context.readTemplateUrl);
  if (sameAsDeployed(input, stack)) throw new AwsError('ValidationError', 'No updates are to be performed.');
  const updated = await directory.engine.apply(input);
  for (const changeSet of directory.changeSetsOf(updated)) if (changeSet.executedStackId === undefined) changeSet.execution = 'OBSOLETE';
  await context.briefly(directory.engine.idle(), OPERATION_WAIT_MS);
  return { StackId: updated.stackId };
};

/** DeleteStack: a stack that does not exist (or is deleted already) is no error, as on AWS. */
export const deleteStack: Action = async (params, context) => {
  const stackName = stackNameParam(params);
  const { directory } = context;
  const stack = directory.find(stackName);
  if (stack === undefined || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return undefined;
  if (directory.terminationProtected.has(stack.stackId)) throw new AwsError('ValidationError', `Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`);
  if (directory.isReview(stack)) {
    directory.deleteReview(stack.stackId);
    return undefined;
  }
  await directory.engine.delete(stack.stackId);
  await context.briefly(directory.engine.idle(), OPERATION_WAIT_MS);
  return undefined;
};

/** UpdateTerminationProtection: the CDK CLI sets it when a stack's `terminationProtection` differs from the deployed one. */
export const updateTerminationProtection: Action = async (params, context) => {
  const stackName = stackNameParam(params);
  const enable = booleanParam(params, 'EnableTerminationProtection');
  if (enable === undefined) throw new AwsError('ValidationError', 'EnableTerminationProtection is a required parameter.');
  const stack = context.directory.find(stackName);
  if (stack === undefined || stack.status === 'DELETE_COMPLETE') throw new AwsError('ValidationError', `Stack [${stackName}] does not exist`);
  if (enable) context.directory.terminationProtected.add(stack.stackId);
  else context.directory.terminationProtected.delete(stack.stackId);
  return { StackId: stack.stackId };
};

/** DescribeStacks: one stack by name (live) or id (deleted ones too), or every stack not deleted. */
export const describeStacks: Action = async (params, context) => {
  const { directory } = context;
  const name = params['StackName'];
  const stacks =
    name === undefined || name === ''
      ? directory.all().filter((s) => s.status !== 'DELETE_COMPLETE').reverse()
      : [directory.find(name) ?? notFound(name)];
  return { Stacks: stacks.map((s) => stackShape(s, directory.lastChangeSetId(s), directory.terminationProtected.has(s.stackId))) };
};

/** ListStacks: every stack (deleted ones too), newest first, filtered by status when asked. */
export const listStacks: Action = async (params, context) => {
  const filter = queryStringList(params, 'StackStatusFilter');
  const stacks = context.directory
    .all()
    .filter((s) => filter === undefined || filter.length === 0 || filter.includes(s.status))
    .reverse();
  return { StackSummaries: stacks.map(stackSummaryShape) };
};

function notFound(name: string): never {
  throw new AwsError('ValidationError', `Stack with id ${name} does not exist`);
}
