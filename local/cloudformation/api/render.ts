import type { ResourceChange, StackEvent, StackRecord, StackResourceRecord } from '../stack-engine';
import type { ChangeSet, ExecutionStatus } from './change-set';

/** The members of CloudFormation's answers, built from the engine's records (query XML is written from these). */

/** `Stack`, as `DescribeStacks` answers it. */
export function stackShape(stack: StackRecord, changeSetId: string | undefined, terminationProtection = false): Record<string, unknown> {
  const deleted = stack.status === 'DELETE_COMPLETE';
  return {
    StackId: stack.stackId,
    StackName: stack.stackName,
    ChangeSetId: changeSetId,
    Description: stack.description,
    Parameters: stack.parameters.length === 0 ? undefined : stack.parameters.map((p) => ({ ParameterKey: p.key, ParameterValue: p.value, ResolvedValue: p.resolvedValue })),
    CreationTime: new Date(stack.createdAt),
    DeletionTime: stack.deletedAt === undefined ? undefined : new Date(stack.deletedAt),
    LastUpdatedTime: stack.updatedAt === undefined ? undefined : new Date(stack.updatedAt),
    RollbackConfiguration: {},
    StackStatus: stack.status,
    StackStatusReason: stack.statusReason,
    DisableRollback: false,
    NotificationARNs: [],
    Capabilities: stack.capabilities.length === 0 ? undefined : [...stack.capabilities],
    Outputs: stack.outputs.length === 0 ? undefined : stack.outputs.map((o) => ({ OutputKey: o.outputKey, OutputValue: o.outputValue, Description: o.description, ExportName: o.exportName })),
    Tags: stack.tags.map((t) => ({ Key: t.key, Value: t.value })),
    EnableTerminationProtection: deleted ? undefined : terminationProtection,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

/** `StackSummary`, as `ListStacks` answers it. */
export function stackSummaryShape(stack: StackRecord): Record<string, unknown> {
  return {
    StackId: stack.stackId,
    StackName: stack.stackName,
    TemplateDescription: stack.description,
    CreationTime: new Date(stack.createdAt),
    LastUpdatedTime: stack.updatedAt === undefined ? undefined : new Date(stack.updatedAt),
    DeletionTime: stack.deletedAt === undefined ? undefined : new Date(stack.deletedAt),
    StackStatus: stack.status,
    StackStatusReason: stack.statusReason,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

/** `StackEvent`. */
export function stackEventShape(event: StackEvent): Record<string, unknown> {
  return {
    StackId: event.stackId,
    EventId: event.eventId,
    StackName: event.stackName,
    LogicalResourceId: event.logicalResourceId,
    PhysicalResourceId: event.physicalResourceId,
    ResourceType: event.resourceType,
    Timestamp: new Date(event.timestamp),
    ResourceStatus: event.resourceStatus,
    ResourceStatusReason: event.resourceStatusReason,
  };
}

/** The members every shape of a stack's resource has (`StackResource`, `StackResourceDetail`, `StackResourceSummary`). */
function resourceMembers(resource: StackResourceRecord): Record<string, unknown> {
  return {
    LogicalResourceId: resource.logicalResourceId,
    PhysicalResourceId: resource.physicalResourceId,
    ResourceType: resource.resourceType,
    ResourceStatus: resource.resourceStatus,
    ResourceStatusReason: resource.resourceStatusReason,
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
  };
}

/** `StackResource` (`DescribeStackResources`). */
export function stackResourceShape(stack: StackRecord, resource: StackResourceRecord): Record<string, unknown> {
  return { StackName: stack.stackName, StackId: stack.stackId, ...resourceMembers(resource), Timestamp: new Date(resource.lastUpdated) };
}

/** `StackResourceDetail` (`DescribeStackResource`). */
export function stackResourceDetailShape(stack: StackRecord, resource: StackResourceRecord, metadata: unknown): Record<string, unknown> {
  return {
    StackName: stack.stackName,
    StackId: stack.stackId,
    ...resourceMembers(resource),
    LastUpdatedTimestamp: new Date(resource.lastUpdated),
    Metadata: metadata === undefined ? undefined : JSON.stringify(metadata),
  };
}

/** `StackResourceSummary` (`ListStackResources`). */
export function stackResourceSummaryShape(resource: StackResourceRecord): Record<string, unknown> {
  return { ...resourceMembers(resource), LastUpdatedTimestamp: new Date(resource.lastUpdated) };
}

/** `Change` of type `Resource`. */
export function changeShape(change: ResourceChange): Record<string, unknown> {
  return {
    Type: 'Resource',
    ResourceChange: {
      Action: change.action,
      LogicalResourceId: change.logicalResourceId,
      PhysicalResourceId: change.physicalResourceId,
      ResourceType: change.resourceType,
      Replacement: change.action === 'Modify' ? (change.replacement ?? 'False') : undefined,
      Scope: [...change.scope],
      Details: [],
    },
  };
}

/** `DescribeChangeSet`'s answer. */
export function changeSetShape(changeSet: ChangeSet, execution: ExecutionStatus): Record<string, unknown> {
  const parameters = Object.entries(changeSet.input.parameters);
  return {
    ChangeSetName: changeSet.name,
    ChangeSetId: changeSet.id,
    StackId: changeSet.stackId,
    StackName: changeSet.stackName,
    Description: changeSet.description,
    Parameters: parameters.length === 0 ? undefined : parameters.map(([key, value]) => ({ ParameterKey: key, ParameterValue: value })),
    CreationTime: new Date(changeSet.createdAt),
    ExecutionStatus: execution,
    Status: changeSet.status,
    StatusReason: changeSet.statusReason,
    NotificationARNs: [],
    RollbackConfiguration: {},
    Capabilities: [...(changeSet.input.capabilities ?? [])],
    Tags: changeSet.input.tags === undefined || changeSet.input.tags.length === 0 ? undefined : changeSet.input.tags.map((t) => ({ Key: t.key, Value: t.value })),
    Changes: changeSet.changes.map(changeShape),
    IncludeNestedStacks: false,
  };
}

/** `ChangeSetSummary` (`ListChangeSets`). */
export function changeSetSummaryShape(changeSet: ChangeSet, execution: ExecutionStatus): Record<string, unknown> {
  return {
    StackId: changeSet.stackId,
    StackName: changeSet.stackName,
    ChangeSetId: changeSet.id,
    ChangeSetName: changeSet.name,
    ExecutionStatus: execution,
    Status: changeSet.status,
    StatusReason: changeSet.statusReason,
    CreationTime: new Date(changeSet.createdAt),
    Description: changeSet.description,
    IncludeNestedStacks: false,
  };
}
