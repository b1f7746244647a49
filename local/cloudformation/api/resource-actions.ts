import { AwsError } from '../../aws-error';
import { requiredParam } from '../../gateway/query-protocol';
import type { StackRecord, StackResourceRecord } from '../stack-engine';
import type { Action, ApiContext } from './context';
import { stackEventShape, stackResourceDetailShape, stackResourceShape, stackResourceSummaryShape } from './render';
import { stackNameParam } from './request';
import { parseTemplateText } from './template-text';

const EVENTS_PAGE = 100;

/** DescribeStackEvents: newest first, a page at a time (`NextToken` names the last event given). */
export const describeStackEvents: Action = async (params, context) => {
  const stackName = stackNameParam(params);
  const stack = context.directory.find(stackName);
  if (stack === undefined) throw new AwsError('ValidationError', `Stack [${stackName}] does not exist`);
  const events = context.directory.eventsNewestFirst(stack);
  let start = 0;
  const token = params['NextToken'];
  if (token !== undefined) {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    const index = events.findIndex((e) => e.eventId === after);
    if (index < 0) throw new AwsError('ValidationError', 'Invalid NextToken.');
    start = index + 1;
  }
  const page = events.slice(start, start + EVENTS_PAGE);
  const more = start + EVENTS_PAGE < events.length;
  return {
    StackEvents: page.map(stackEventShape),
    NextToken: more ? Buffer.from(page[page.length - 1]!.eventId).toString('base64url') : undefined,
  };
};

/** DescribeStackResources: a stack's resources (or the stack holding a physical id), one logical id if asked. */
export const describeStackResources: Action = async (params, context) => {
  const stackName = params['StackName'];
  const physicalId = params['PhysicalResourceId'];
  let stack: StackRecord | undefined;
  if (stackName !== undefined) stack = stackOrError(stackName, context);
  else if (physicalId !== undefined) {
    stack = context.directory.all().find((s) => s.status !== 'DELETE_COMPLETE' && s.resources.some((r) => r.physicalResourceId === physicalId));
    if (stack === undefined) throw new AwsError('ValidationError', `Stack for ${physicalId} does not exist`);
  } else throw new AwsError('ValidationError', 'Either StackName or PhysicalResourceId must be specified.');
  const logicalId = params['LogicalResourceId'];
  // By physical id: the whole stack the resource belongs to (the API reference's way to find it).
  const resources = visibleResources(stack).filter((r) => logicalId === undefined || r.logicalResourceId === logicalId);
  return { StackResources: resources.map((r) => stackResourceShape(stack, r)) };
};

/** DescribeStackResource: one resource, with its template metadata. */
export const describeStackResource: Action = async (params, context) => {
  const stack = stackOrError(stackNameParam(params), context);
  const logicalId = requiredParam(params, 'LogicalResourceId');
  const resource = visibleResources(stack).find((r) => r.logicalResourceId === logicalId);
  if (resource === undefined) throw new AwsError('ValidationError', `Resource ${logicalId} does not exist for stack ${stack.stackName}`);
  return { StackResourceDetail: stackResourceDetailShape(stack, resource, resourceMetadata(stack, logicalId)) };
};

/** ListStackResources: every resource of the stack, on one page. */
export const listStackResources: Action = async (params, context) => {
  const stack = stackOrError(stackNameParam(params), context);
  return { StackResourceSummaries: visibleResources(stack).map(stackResourceSummaryShape) };
};

/** A live stack shows its current resources; a deleted one shows what it had, deleted. */
function visibleResources(stack: StackRecord): StackResourceRecord[] {
  return stack.resources.filter((r) => stack.status === 'DELETE_COMPLETE' || r.resourceStatus !== 'DELETE_COMPLETE');
}

function stackOrError(nameOrId: string, context: ApiContext): StackRecord {
  const stack = context.directory.find(nameOrId);
  if (stack === undefined) throw new AwsError('ValidationError', `Stack with id ${nameOrId} does not exist`);
  return stack;
}

function resourceMetadata(stack: StackRecord, logicalId: string): unknown {
  try {
    const resource = parseTemplateText(stack.templateBody).Resources?.[logicalId];
    return resource?.['Metadata'];
  } catch {
    return undefined;
  }
}
