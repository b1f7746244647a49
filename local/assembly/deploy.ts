import { CreateTableCommand, UpdateTimeToLiveCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../clock';
import type { EventBridgeService } from '../eventbridge/eventbridge-service';
import { SqsEventSourceMapping } from '../lambda/event-source-mapping';
import type { LambdaService, LocalFunction } from '../lambda/lambda-service';
import type { SqsService } from '../sqs/sqs-service';
import type { AssemblyStack, CloudAssembly, TemplateResource } from './cloud-assembly';
import { resolveIntrinsics, UnresolvableError, type IntrinsicContext } from './intrinsics';
import { physicalName } from './physical-names';
import type { OutputsFile } from './references';
import { creationOrder } from './template-graph';

/** What the deployment creates resources in. */
export interface DeployTargets {
  readonly clock: Clock;
  readonly sqs: SqsService;
  readonly eventBridge: EventBridgeService;
  readonly lambda: LambdaService;
  /** A client of DynamoDB Local, for tables; without one, a table is an error. */
  readonly dynamodb?: DynamoDBClient;
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** Called when an invocation or mapping changes state (settling). */
  readonly changed: () => void;
  /** Cap on pollers per event source mapping (each runs in its own sandbox). @default 10 */
  readonly maxConcurrencyCap?: number;
}

export interface Deployment {
  readonly outputs: OutputsFile;
  /** Resource types not run locally (they have no behaviour here), with the logical ids skipped. */
  readonly skipped: ReadonlyMap<string, string[]>;
  readonly functions: readonly LocalFunction[];
  readonly mappings: readonly SqsEventSourceMapping[];
  readonly created: number;
}

/** Types with no behaviour in a local run: permissions, monitoring, metadata, encryption keys. */
const SKIPPED_TYPES = new Set([
  'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::InstanceProfile', 'AWS::Logs::LogGroup', 'AWS::Logs::MetricFilter',
  'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm', 'AWS::CloudWatch::Dashboard', 'AWS::SQS::QueuePolicy', 'AWS::Lambda::Permission',
  'AWS::CDK::Metadata', 'AWS::Events::EventBusPolicy', 'AWS::KMS::Key', 'AWS::KMS::Alias', 'AWS::SNS::TopicPolicy',
]);

interface Created {
  readonly type: string;
  readonly ref: unknown;
  readonly attributes: Record<string, unknown>;
  /** A type the local cloud cannot run: referring to it is an error. */
  readonly unsupported?: boolean;
}

/**
 * Creates the resources of a cloud assembly in the local cloud, stack after stack in dependency
 * order and resource after resource in reference order, resolving intrinsics as CloudFormation
 * would. Returns the stacks' outputs in the format of `cdk deploy --outputs-file`.
 */
export async function deployAssembly(assembly: CloudAssembly, targets: DeployTargets): Promise<Deployment> {
  const exports = new Map<string, unknown>();
  const outputs: OutputsFile = {};
  const skipped = new Map<string, string[]>();
  const functions: LocalFunction[] = [];
  const mappings: SqsEventSourceMapping[] = [];
  let created = 0;

  for (const stack of assembly.stacks) {
    const records = new Map<string, Created>();
    let current = '';
    const conditions = new Map<string, boolean>();
    const context: IntrinsicContext = {
      stackName: stack.name,
      region: targets.region,
      accountId: targets.accountId,
      ref: (id) => {
        const parameter = stack.template.Parameters?.[id];
        if (parameter !== undefined) return parameter.Default;
        return use(id).ref;
      },
      getAtt: (id, attribute) => {
        const value = use(id).attributes[attribute];
        if (value === undefined) throw new UnresolvableError(`${stack.name}/${current}: Fn::GetAtt ${id}.${attribute} is not supported by the local cloud`);
        return value;
      },
      importValue: (name) => {
        if (!exports.has(name)) throw new UnresolvableError(`${stack.name}/${current}: Fn::ImportValue of "${name}", which no deployed stack exports`);
        return exports.get(name);
      },
      condition: (name) => {
        if (!conditions.has(name)) {
          const definition = stack.template.Conditions?.[name];
          if (definition === undefined) throw new UnresolvableError(`${stack.name}: condition ${name} is not defined`);
          conditions.set(name, resolveIntrinsics(definition, context) === true);
        }
        return conditions.get(name)!;
      },
    };
    const use = (id: string): Created => {
      const record = records.get(id);
      const type = stack.template.Resources?.[id]?.Type ?? 'unknown';
      if (record === undefined) throw new UnresolvableError(`${stack.name}/${current} refers to ${id}, which was not created`);
      if (record.unsupported) throw new UnresolvableError(`${stack.name}/${current} needs ${id} (${type}), a resource type the local cloud cannot run`);
      return record;
    };
    const resolve = <T>(value: unknown) => resolveIntrinsics(value, context) as T;

    for (const id of creationOrder(stack.template)) {
      current = id;
      const resource = stack.template.Resources![id]!;
      if (resource.Condition !== undefined && !context.condition!(resource.Condition)) continue;
      const record = await createResource(stack, id, resource, resolve, targets, { functions, mappings });
      if (record === undefined) {
        const list = skipped.get(resource.Type) ?? [];
        list.push(`${stack.name}/${id}`);
        skipped.set(resource.Type, list);
        const name = physicalName(stack.name, id);
        const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
        records.set(id, {
          type: resource.Type,
          ref: name,
          attributes: { Arn: `arn:aws:${service}:${targets.region}:${targets.accountId}:${name}` },
          ...(SKIPPED_TYPES.has(resource.Type) ? {} : { unsupported: true }),
        });
      } else {
        records.set(id, record);
        created++;
      }
    }

    outputs[stack.name] = {};
    for (const [key, output] of Object.entries(stack.template.Outputs ?? {})) {
      if (output.Condition !== undefined && !context.condition!(output.Condition)) continue;
      current = `Outputs/${key}`;
      const value = resolve<unknown>(output.Value);
      outputs[stack.name]![key] = Array.isArray(value) ? value.join(',') : String(value);
      if (output.Export !== undefined) exports.set(resolve<string>(output.Export.Name), value);
    }
  }
  return { outputs, skipped, functions, mappings, created };
}

type Resolve = <T>(value: unknown) => T;

async function createResource(
  stack: AssemblyStack,
  id: string,
  resource: TemplateResource,
  resolve: Resolve,
  targets: DeployTargets,
  collected: { functions: LocalFunction[]; mappings: SqsEventSourceMapping[] },
): Promise<Created | undefined> {
  const props = resolve<Record<string, unknown>>(resource.Properties ?? {});
  const { region, accountId } = targets;
  switch (resource.Type) {
    case 'AWS::SQS::Queue': {
      const fifo = props['FifoQueue'] === true || props['FifoQueue'] === 'true';
      const name = (props['QueueName'] as string | undefined) ?? `${physicalName(stack.name, id, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
      const attributes: Record<string, string> = {};
      for (const key of ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'MaximumMessageSize', 'ReceiveMessageWaitTimeSeconds', 'SqsManagedSseEnabled', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']) {
        if (props[key] !== undefined) attributes[key] = String(props[key]);
      }
      // CloudFormation accepts FifoQueue: false for a standard queue; the SQS API refuses it (Unknown Attribute FifoQueue).
      if (!fifo) delete attributes['FifoQueue'];
      for (const key of ['RedrivePolicy', 'RedriveAllowPolicy']) {
        if (props[key] !== undefined) attributes[key] = typeof props[key] === 'string' ? props[key] : JSON.stringify(props[key]);
      }
      const queue = targets.sqs.createQueue(name, attributes);
      return { type: resource.Type, ref: queue.url, attributes: { Arn: queue.arn, QueueName: queue.name, QueueUrl: queue.url } };
    }
    case 'AWS::Events::EventBus': {
      const name = String(props['Name']);
      const { EventBusArn } = await targets.eventBridge.handle('CreateEventBus', { Name: name, ...(props['Description'] ? { Description: props['Description'] } : {}) });
      return { type: resource.Type, ref: name, attributes: { Arn: EventBusArn, Name: name } };
    }
    case 'AWS::Events::Archive': {
      const name = (props['ArchiveName'] as string | undefined) ?? physicalName(stack.name, id, 48);
      const pattern = props['EventPattern'];
      const { ArchiveArn } = await targets.eventBridge.handle('CreateArchive', {
        ArchiveName: name,
        EventSourceArn: props['SourceArn'],
        ...(pattern === undefined ? {} : { EventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern) }),
        ...(props['RetentionDays'] === undefined ? {} : { RetentionDays: Number(props['RetentionDays']) }),
        ...(props['Description'] === undefined ? {} : { Description: props['Description'] }),
      });
      return { type: resource.Type, ref: name, attributes: { Arn: ArchiveArn, ArchiveName: name } };
    }
    case 'AWS::Events::Rule': {
      const name = (props['Name'] as string | undefined) ?? physicalName(stack.name, id, 64);
      const bus = props['EventBusName'] === undefined ? 'default' : String(props['EventBusName']);
      const pattern = props['EventPattern'];
      if (pattern === undefined) throw new Error(`${stack.name}/${id}: scheduled rules (ScheduleExpression) are not supported by the local cloud`);
      const { RuleArn } = await targets.eventBridge.handle('PutRule', {
        Name: name,
        EventBusName: bus,
        EventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern),
        State: props['State'] ?? 'ENABLED',
        ...(props['Description'] === undefined ? {} : { Description: props['Description'] }),
      });
      const ruleTargets = (props['Targets'] as unknown[] | undefined) ?? [];
      if (ruleTargets.length > 0) {
        const result = await targets.eventBridge.handle('PutTargets', { Rule: name, EventBusName: bus, Targets: ruleTargets });
        const failed = result['FailedEntries'] as Array<{ TargetId: string; ErrorMessage: string }>;
        if (failed.length > 0) throw new Error(`${stack.name}/${id}: ${failed.map((f) => `target ${f.TargetId}: ${f.ErrorMessage}`).join('; ')}`);
      }
      const busName = bus.includes(':event-bus/') ? bus.slice(bus.indexOf(':event-bus/') + 11) : bus;
      return { type: resource.Type, ref: busName === 'default' ? name : `${busName}|${name}`, attributes: { Arn: RuleArn } };
    }
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable': {
      const name = (props['TableName'] as string | undefined) ?? physicalName(stack.name, id, 255);
      if (targets.dynamodb === undefined) throw new Error(`${stack.name}/${id}: the app has DynamoDB tables and the local cloud was started without DynamoDB`);
      await createTable(targets.dynamodb, name, props);
      const arn = `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
      return { type: resource.Type, ref: name, attributes: { Arn: arn, StreamArn: `${arn}/stream/local` } };
    }
    case 'AWS::Lambda::Function': {
      const name = (props['FunctionName'] as string | undefined) ?? physicalName(stack.name, id, 64);
      const code = (resource.Properties?.['Code'] ?? {}) as { S3Key?: unknown; ZipFile?: unknown };
      if (code.ZipFile !== undefined) throw new Error(`${stack.name}/${id}: inline function code (Code.ZipFile) is not supported by the local cloud`);
      const assetDirectory = typeof code.S3Key === 'string' ? stack.assetsByObjectKey.get(code.S3Key) : undefined;
      if (assetDirectory === undefined) throw new Error(`${stack.name}/${id}: the function's code is not a local asset of the cloud assembly`);
      if (props['Layers'] !== undefined) throw new Error(`${stack.name}/${id}: Lambda layers are not supported by the local cloud`);
      const variables = ((props['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
      const fn = targets.lambda.create({
        functionName: name,
        assetDirectory,
        handler: String(props['Handler'] ?? 'index.handler'),
        runtime: String(props['Runtime'] ?? 'nodejs22.x'),
        timeoutSeconds: Number(props['Timeout'] ?? 3),
        memoryMb: Number(props['MemorySize'] ?? 128),
        region,
        accountId,
        environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
        endpoint: targets.endpoint,
      });
      collected.functions.push(fn);
      return { type: resource.Type, ref: name, attributes: { Arn: fn.arn } };
    }
    case 'AWS::Lambda::EventSourceMapping': {
      const fn = targets.lambda.find(String(props['FunctionName']));
      if (fn === undefined) throw new Error(`${stack.name}/${id}: function ${String(props['FunctionName'])} was not created`);
      const sourceArn = String(props['EventSourceArn']);
      const queue = targets.sqs.findByArn(sourceArn);
      if (queue === undefined) throw new Error(`${stack.name}/${id}: event source ${sourceArn} is not an SQS queue of this app; only SQS event sources are supported`);
      const scaling = props['ScalingConfig'] as { MaximumConcurrency?: number } | undefined;
      const maximumConcurrency = Math.min(Number(scaling?.MaximumConcurrency ?? 10), targets.maxConcurrencyCap ?? 10);
      fn.concurrency += maximumConcurrency;
      const mapping = new SqsEventSourceMapping(
        {
          queue,
          fn,
          batchSize: Number(props['BatchSize'] ?? 10),
          batchingWindowSeconds: Number(props['MaximumBatchingWindowInSeconds'] ?? 0),
          reportBatchItemFailures: ((props['FunctionResponseTypes'] as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
          maximumConcurrency,
          enabled: props['Enabled'] !== false && props['Enabled'] !== 'false',
        },
        { clock: targets.clock, sqs: targets.sqs, lambda: targets.lambda, region, changed: targets.changed },
      );
      collected.mappings.push(mapping);
      return { type: resource.Type, ref: mapping.uuid, attributes: { Id: mapping.uuid } };
    }
    default:
      return undefined;
  }
}

async function createTable(client: DynamoDBClient, name: string, props: Record<string, unknown>): Promise<void> {
  const onDemand = props['BillingMode'] === 'PAY_PER_REQUEST';
  const throughput = (p: unknown) => (onDemand ? {} : { ProvisionedThroughput: (p as CreateTableCommandInput['ProvisionedThroughput']) ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } });
  const gsis = (props['GlobalSecondaryIndexes'] as Array<Record<string, unknown>> | undefined)?.map((index) => ({
    IndexName: index['IndexName'] as string,
    KeySchema: index['KeySchema'] as never,
    Projection: index['Projection'] as never,
    ...throughput(index['ProvisionedThroughput']),
  }));
  const lsis = props['LocalSecondaryIndexes'] as CreateTableCommandInput['LocalSecondaryIndexes'];
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: props['KeySchema'] as never,
      AttributeDefinitions: props['AttributeDefinitions'] as never,
      BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
      ...throughput(props['ProvisionedThroughput']),
      ...(gsis && gsis.length > 0 ? { GlobalSecondaryIndexes: gsis } : {}),
      ...(lsis && lsis.length > 0 ? { LocalSecondaryIndexes: lsis } : {}),
    }),
  );
  const ttl = props['TimeToLiveSpecification'] as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (ttl?.Enabled === true && ttl.AttributeName !== undefined) {
    await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
  }
}
