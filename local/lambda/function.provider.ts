import { ResourceProviderError, type FunctionCodeLocation, type Properties, type ProviderContext, type ResourceProvider } from '../cloudformation/provider';
import type { SandboxConfig } from './sandbox';

/**
 * `AWS::Lambda::Function`: a Node.js function run in local sandboxes; Ref is its name. An update
 * reconfigures the same function (new code, environment, timeout...): running invocations finish on
 * the old code, later ones run the new, and its event sources keep their queues and pollers.
 */
export const functionProvider: ResourceProvider = {
  type: 'AWS::Lambda::Function',
  replaceOn: ['FunctionName', 'PackageType', 'TenancyConfig'],
  async create(_logicalId, properties, ctx) {
    const name = (properties['FunctionName'] as string | undefined) ?? ctx.generatedName(64);
    const fn = ctx.lambda.create(await sandboxConfig(name, properties, ctx));
    return { physicalId: fn.name, attributes: { Arn: fn.arn } };
  },
  async update(physicalId, _previous, next, ctx) {
    const fn = ctx.lambda.find(physicalId);
    if (fn === undefined) throw new ResourceProviderError(`Function not found: ${physicalId}`);
    ctx.lambda.reconfigure(fn, await sandboxConfig(physicalId, next, ctx));
    ctx.changed();
    return { physicalId, attributes: { Arn: fn.arn } };
  },
  async delete(physicalId, _properties, ctx) {
    const fn = ctx.lambda.find(physicalId);
    if (fn !== undefined) ctx.lambda.remove(fn);
  },
};

async function sandboxConfig(name: string, properties: Properties, ctx: ProviderContext): Promise<Omit<SandboxConfig, 'onLog'>> {
  if (properties['Layers'] !== undefined) throw new ResourceProviderError(`${ctx.stackName}/${ctx.logicalId}: Lambda layers are not supported by the local cloud`);
  const code = (properties['Code'] ?? {}) as FunctionCodeLocation;
  const assetDirectory = await ctx.assets(code, name);
  const variables = ((properties['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
  // Lambda writes to the group LoggingConfig names (the CDK's `logGroup` prop), else /aws/lambda/<name>.
  const logGroup = (properties['LoggingConfig'] as { LogGroup?: unknown } | undefined)?.LogGroup;
  return {
    ...(typeof logGroup === 'string' && logGroup !== '' ? { logGroup } : {}),
    functionName: name,
    assetDirectory,
    handler: String(properties['Handler'] ?? 'index.handler'),
    runtime: String(properties['Runtime'] ?? 'nodejs22.x'),
    timeoutSeconds: Number(properties['Timeout'] ?? 3),
    memoryMb: Number(properties['MemorySize'] ?? 128),
    region: ctx.region,
    accountId: ctx.accountId,
    environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
    endpoint: ctx.endpoint(),
  };
}
