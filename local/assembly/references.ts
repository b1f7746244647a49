import type { CloudAssembly, AssemblyStack } from './cloud-assembly';
import { resolveIntrinsics, UnresolvableError, type IntrinsicContext } from './intrinsics';
import { physicalName } from './physical-names';

/** `cdk deploy --outputs-file` format: stack name -> output key -> value. */
export type OutputsFile = Record<string, Record<string, string>>;

export interface ReferenceOptions {
  readonly region: string;
  readonly accountId: string;
  /** Base URL of the endpoint queue URLs are built on. */
  readonly endpoint: string;
  /**
   * Values of a deployed app (AWS, LocalStack, the local cloud): a reference that an output exposes
   * resolves to the output's value. Anything else gets the local cloud's physical name.
   */
  readonly outputs?: OutputsFile;
}

/**
 * Resolves references between the resources of a cloud assembly to physical names and ARNs, without
 * creating anything: what `Ref` and `Fn::GetAtt` would return once the app is deployed.
 */
export function referenceResolver(assembly: CloudAssembly, options: ReferenceOptions) {
  const stacks = new Map(assembly.stacks.map((stack) => [stack.name, stack]));

  const fromOutputs = (stack: AssemblyStack, value: unknown): string | undefined => {
    const deployed = options.outputs?.[stack.name];
    if (deployed === undefined) return undefined;
    const expected = JSON.stringify(value);
    const key = Object.entries(stack.template.Outputs ?? {}).find(([, output]) => JSON.stringify(output.Value) === expected)?.[0];
    return key === undefined ? undefined : deployed[key];
  };

  const contextFor = (stackName: string): IntrinsicContext => {
    const stack = stacks.get(stackName);
    if (stack === undefined) throw new UnresolvableError(`no stack named ${stackName} in the cloud assembly`);
    const resources = stack.template.Resources ?? {};
    const context: IntrinsicContext = {
      stackName,
      region: options.region,
      accountId: options.accountId,
      ref: (logicalId) => {
        const parameter = stack.template.Parameters?.[logicalId];
        if (parameter !== undefined) return parameter.Default;
        const resource = resources[logicalId];
        if (resource === undefined) throw new UnresolvableError(`Ref to ${logicalId}, which ${stackName} does not define`);
        const deployed = fromOutputs(stack, { Ref: logicalId });
        if (deployed !== undefined) return deployed;
        const name = physicalName(stackName, logicalId);
        // Ref of a queue is its URL; of everything else the local cloud runs, its name.
        return resource.Type === 'AWS::SQS::Queue' ? `${options.endpoint}/${options.accountId}/${name}` : name;
      },
      getAtt: (logicalId, attribute) => {
        const resource = resources[logicalId];
        if (resource === undefined) throw new UnresolvableError(`Fn::GetAtt of ${logicalId}, which ${stackName} does not define`);
        const deployed = fromOutputs(stack, { 'Fn::GetAtt': [logicalId, attribute] });
        if (deployed !== undefined) return deployed;
        return attributeOf(resource.Type, physicalName(stackName, logicalId), attribute, options);
      },
      importValue: (exportName) => {
        for (const exporter of assembly.stacks) {
          for (const output of Object.values(exporter.template.Outputs ?? {})) {
            if (output.Export === undefined) continue;
            const exporterContext = contextFor(exporter.name);
            if (resolveIntrinsics(output.Export.Name, exporterContext) !== exportName) continue;
            return fromOutputs(exporter, output.Value) ?? resolveIntrinsics(output.Value, exporterContext);
          }
        }
        throw new UnresolvableError(`Fn::ImportValue of "${exportName}", which no stack exports`);
      },
    };
    return context;
  };

  return { contextFor, resolve: (stackName: string, value: unknown) => resolveIntrinsics(value, contextFor(stackName)) };
}

/** The attributes `Fn::GetAtt` returns for the resource types the local cloud runs. */
function attributeOf(type: string, name: string, attribute: string, options: ReferenceOptions): string {
  const { region, accountId } = options;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${accountId}:${resource}`;
  const table: Record<string, Record<string, string>> = {
    'AWS::SQS::Queue': { Arn: arn('sqs', name), QueueName: name, QueueUrl: `${options.endpoint}/${accountId}/${name}` },
    'AWS::Events::EventBus': { Arn: arn('events', `event-bus/${name}`), Name: name },
    'AWS::Events::Rule': { Arn: arn('events', `rule/${name}`) },
    'AWS::Events::Archive': { Arn: arn('events', `archive/${name}`), ArchiveName: name },
    'AWS::DynamoDB::Table': { Arn: arn('dynamodb', `table/${name}`), StreamArn: arn('dynamodb', `table/${name}/stream/local`) },
    'AWS::Lambda::Function': { Arn: arn('lambda', `function:${name}`) },
    'AWS::Logs::LogGroup': { Arn: arn('logs', `log-group:${name}:*`) },
    'AWS::IAM::Role': { Arn: `arn:aws:iam::${accountId}:role/${name}`, RoleId: name },
    'AWS::CloudWatch::Alarm': { Arn: arn('cloudwatch', `alarm:${name}`) },
  };
  const value = table[type]?.[attribute];
  if (value === undefined) throw new UnresolvableError(`Fn::GetAtt ${attribute} of a ${type} is not supported by the local cloud`);
  return value;
}
