import type { ResourceProvider } from '../cloudformation/provider';

/** `AWS::Events::EventBus`: a custom bus; Ref is its name. Description, key and dead-letter queue update in place. */
export const eventBusProvider: ResourceProvider = {
  type: 'AWS::Events::EventBus',
  replaceOn: ['EventSourceName', 'Name'],
  async create(_logicalId, properties, ctx) {
    const name = String(properties['Name']);
    const { EventBusArn } = await ctx.eventBridge.handle('CreateEventBus', { Name: name, ...settings(properties) });
    return { physicalId: name, attributes: { Arn: EventBusArn, Name: name } };
  },
  async update(physicalId, _previous, next, ctx) {
    const { Arn } = await ctx.eventBridge.handle('UpdateEventBus', { Name: physicalId, ...settings(next) });
    return { physicalId, attributes: { Arn, Name: physicalId } };
  },
  async delete(physicalId, _properties, ctx) {
    await ctx.eventBridge.handle('DeleteEventBus', { Name: physicalId });
  },
};

function settings(properties: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['Description', 'KmsKeyIdentifier', 'DeadLetterConfig']) if (properties[key] !== undefined) out[key] = properties[key];
  return out;
}
