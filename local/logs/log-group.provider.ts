import { optionalString, ResourceProviderError, type Properties, type ProviderContext, type ResourceProvider } from '../cloudformation/provider';

/**
 * `AWS::Logs::LogGroup`: a group in the local CloudWatch Logs with its retention; Ref is its name,
 * `Arn` ends in `:*` as CloudFormation gives it. A new name is a new group; a new retention is set in
 * place. Without a logs service the group is only recorded.
 */
export const logGroupProvider: ResourceProvider = {
  type: 'AWS::Logs::LogGroup',
  replaceOn: ['LogGroupName'],
  async create(_logicalId, properties, ctx) {
    const given = optionalString(properties, 'LogGroupName');
    const generated = (unique: boolean) => ctx.generatedName(512, unique).replace(/[^.\-_/#A-Za-z0-9]/g, '-');
    // A generated name that is taken (a function of a deleted stack wrote to it again, and Lambda
    // recreated it) moves on to a suffixed one, as CloudFormation's random suffix never collides.
    let name = given ?? generated(false);
    if (given === undefined && ctx.logs?.hasLogGroup(name) === true) name = generated(true);
    if (ctx.logs?.hasLogGroup(name) === true) {
      throw new ResourceProviderError(`Resource of type 'AWS::Logs::LogGroup' with identifier '{"/properties/LogGroupName":"${name}"}' already exists.`);
    }
    try {
      ctx.logs?.createLogGroup(name, retentionOf(properties));
    } catch (error) {
      throw new ResourceProviderError((error as Error).message);
    }
    return { physicalId: name, attributes: attributesOf(name, ctx) };
  },
  async update(physicalId, _previous, next, ctx) {
    try {
      ctx.logs?.setRetention(physicalId, retentionOf(next));
    } catch (error) {
      throw new ResourceProviderError((error as Error).message);
    }
    return { physicalId, attributes: attributesOf(physicalId, ctx) };
  },
  async delete(physicalId, _properties, ctx) {
    ctx.logs?.deleteLogGroup(physicalId);
  },
};

function retentionOf(properties: Properties): number | undefined {
  const value = properties['RetentionInDays'];
  // Templates carry numbers as strings at times (parameters, CDK tokens).
  return value === undefined || value === null ? undefined : Number(value);
}

const attributesOf = (name: string, ctx: ProviderContext) => ({ Arn: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}:*` });
