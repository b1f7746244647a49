import { ResourceProviderError, type Properties, type ProviderContext, type ResourceProvider } from '../cloudformation/provider';

/**
 * `AWS::Events::Rule`: a rule and its targets. Ref is the rule's name on the default bus and
 * `bus|name` on another, as CloudFormation gives it. An update puts the rule again and replaces its
 * targets (removed targets stop receiving); deleting removes the targets, then the rule.
 */
export const ruleProvider: ResourceProvider = {
  type: 'AWS::Events::Rule',
  replaceOn: ['EventBusName', 'Name'],
  async create(_logicalId, properties, ctx) {
    const name = (properties['Name'] as string | undefined) ?? ctx.generatedName(64);
    return putRule(name, properties, [], ctx);
  },
  async update(physicalId, previous, next, ctx) {
    const { name } = parseId(physicalId);
    const previousIds = targetsOf(previous).map((t) => String(t['Id']));
    return putRule(name, next, previousIds, ctx);
  },
  async delete(physicalId, properties, ctx) {
    const { name, bus } = parseId(physicalId);
    const ids = targetsOf(properties).map((t) => String(t['Id']));
    try {
      if (ids.length > 0) await ctx.eventBridge.handle('RemoveTargets', { Rule: name, EventBusName: bus, Ids: ids });
      await ctx.eventBridge.handle('DeleteRule', { Name: name, EventBusName: bus });
    } catch (error) {
      // Already gone (its bus was deleted with it): nothing left to delete.
      if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    }
  },
};

const targetsOf = (properties: Properties) => (properties['Targets'] as Array<Record<string, unknown>> | undefined) ?? [];

function busNameOf(properties: Properties): string {
  const bus = properties['EventBusName'] === undefined ? 'default' : String(properties['EventBusName']);
  return bus.includes(':event-bus/') ? bus.slice(bus.indexOf(':event-bus/') + 11) : bus;
}

function parseId(physicalId: string): { name: string; bus: string } {
  const bar = physicalId.indexOf('|');
  return bar < 0 ? { name: physicalId, bus: 'default' } : { name: physicalId.slice(bar + 1), bus: physicalId.slice(0, bar) };
}

async function putRule(name: string, properties: Properties, previousTargetIds: string[], ctx: ProviderContext) {
  const bus = busNameOf(properties);
  const pattern = properties['EventPattern'];
  const { RuleArn } = await ctx.eventBridge.handle('PutRule', {
    Name: name,
    EventBusName: bus,
    ...(pattern === undefined ? {} : { EventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern) }),
    ...(properties['ScheduleExpression'] === undefined ? {} : { ScheduleExpression: properties['ScheduleExpression'] }),
    State: properties['State'] ?? 'ENABLED',
    ...(properties['Description'] === undefined ? {} : { Description: properties['Description'] }),
    ...(properties['RoleArn'] === undefined ? {} : { RoleArn: properties['RoleArn'] }),
  });
  const targets = targetsOf(properties);
  const kept = new Set(targets.map((t) => String(t['Id'])));
  const removed = previousTargetIds.filter((id) => !kept.has(id));
  if (removed.length > 0) await ctx.eventBridge.handle('RemoveTargets', { Rule: name, EventBusName: bus, Ids: removed });
  if (targets.length > 0) {
    const result = await ctx.eventBridge.handle('PutTargets', { Rule: name, EventBusName: bus, Targets: targets });
    const failed = (result['FailedEntries'] as Array<{ TargetId: string; ErrorMessage: string }> | undefined) ?? [];
    if (failed.length > 0) throw new ResourceProviderError(`${ctx.stackName}/${ctx.logicalId}: ${failed.map((f) => `target ${f.TargetId}: ${f.ErrorMessage}`).join('; ')}`);
  }
  return { physicalId: bus === 'default' ? name : `${bus}|${name}`, attributes: { Arn: RuleArn, RuleName: name } };
}
