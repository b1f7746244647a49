import type { ResourceProvider } from '../cloudformation/provider';

/** `AWS::Events::Archive`: an archive of a bus's events; Ref is its name. Pattern, retention and description update in place. */
export const archiveProvider: ResourceProvider = {
  type: 'AWS::Events::Archive',
  replaceOn: ['SourceArn', 'ArchiveName'],
  async create(_logicalId, properties, ctx) {
    const name = (properties['ArchiveName'] as string | undefined) ?? ctx.generatedName(48);
    const { ArchiveArn } = await ctx.eventBridge.handle('CreateArchive', { ArchiveName: name, EventSourceArn: properties['SourceArn'], ...settings(properties) });
    return { physicalId: name, attributes: { Arn: ArchiveArn, ArchiveName: name } };
  },
  async update(physicalId, _previous, next, ctx) {
    const { ArchiveArn } = await ctx.eventBridge.handle('UpdateArchive', { ArchiveName: physicalId, ...settings(next) });
    return { physicalId, attributes: { Arn: ArchiveArn, ArchiveName: physicalId } };
  },
  async delete(physicalId, _properties, ctx) {
    await ctx.eventBridge.handle('DeleteArchive', { ArchiveName: physicalId });
  },
};

function settings(properties: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const pattern = properties['EventPattern'];
  return {
    ...(pattern === undefined ? {} : { EventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern) }),
    ...(properties['RetentionDays'] === undefined ? {} : { RetentionDays: Number(properties['RetentionDays']) }),
    ...(properties['Description'] === undefined ? {} : { Description: properties['Description'] }),
  };
}
