import { ResourceProviderError, type Properties, type ProviderContext, type ResourceProvider } from '../cloudformation/provider';

/**
 * `AWS::SSM::Parameter`: a parameter in the local parameter store (the CDK bootstrap's version
 * lives here); Ref is its name. A new value or description is a new version; a new name, a new
 * parameter. Without a parameter store the parameter is only recorded.
 */
export const parameterProvider: ResourceProvider = {
  type: 'AWS::SSM::Parameter',
  replaceOn: ['Name'],
  async create(_logicalId, properties, ctx) {
    const name = (properties['Name'] as string | undefined) ?? `CFN-${ctx.generatedName(100).replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
    if (ctx.ssm?.get(name) !== undefined) throw new ResourceProviderError(`Resource of type 'AWS::SSM::Parameter' with identifier '${name}' already exists.`);
    store(name, properties, ctx);
    return { physicalId: name, attributes: attributesOf(properties) };
  },
  async update(physicalId, _previous, next, ctx) {
    store(physicalId, next, ctx);
    return { physicalId, attributes: attributesOf(next) };
  },
  async delete(physicalId, _properties, ctx) {
    ctx.ssm?.delete(physicalId);
  },
};

function store(name: string, properties: Properties, ctx: ProviderContext): void {
  const value = properties['Value'];
  if (value === undefined || value === null) throw new ResourceProviderError('Property validation failure: [The property {/Value} is required]');
  const description = properties['Description'];
  ctx.ssm?.put({ name, value: Array.isArray(value) ? value.join(',') : String(value), type: String(properties['Type'] ?? 'String'), ...(description === undefined ? {} : { description: String(description) }) });
}

const attributesOf = (properties: Properties) => ({ Type: properties['Type'] ?? 'String', Value: properties['Value'] });
