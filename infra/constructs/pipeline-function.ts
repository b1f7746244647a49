import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { cdkBundling, PIPELINE_BUNDLING, recordBundle } from './function-bundling';

/** How a function may use a table it is given. */
export type TableAccess = 'read' | 'write' | 'readWrite';

export interface TableGrant {
  readonly table: dynamodb.ITable;
  /** @default 'readWrite' */
  readonly access?: TableAccess;
}

export interface PipelineFunctionProps {
  /** Path of the handler's TypeScript entry file. */
  readonly entry: string;
  readonly description?: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  /** Tables keyed by the environment variable that carries the table's name; exactly these grants. */
  readonly tables?: Readonly<Record<string, TableGrant>>;
  readonly environment?: Readonly<Record<string, string>>;
  /** Removal policy of the function's log group. @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** How long the function's logs are kept. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Namespace of the metrics the function emits (embedded metric format), one per stage
   * (`metricsNamespace(stage)`). @default 'ShopPipeline'
   */
  readonly metricsNamespace?: string;
}

/**
 * The `service` dimension of the metrics a function under `scope` emits (and its logs' service):
 * the hop's or relay's construct id, so the dashboard finds a hop's metrics by its name.
 */
export const metricsServiceName = (scope: Construct): string => scope.node.id;

/**
 * A function of the pipeline, as every hop and relay has it: Node.js 22 on Arm, bundled with its SDK
 * and a source map, its own log group and a role that may write there and use only the tables given.
 * Created under `scope` as `Logs`, `Role` and `Function`.
 */
export function pipelineFunction(scope: Construct, props: PipelineFunctionProps): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
  });
  // An explicit role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
  const role = new iam.Role(scope, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  // The log group's ARN attribute ends in `:*`, which covers its log streams and nothing else.
  role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));

  const fn = new NodejsFunction(scope, 'Function', {
    entry: props.entry,
    handler: 'handler',
    description: props.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    // Lambda's own X-Ray segments, continuing the trace each record carries (AWSTraceHeader); no
    // tracing SDK in the bundle (the X-Ray SDK reaches end of support in February 2027; see README).
    tracing: lambda.Tracing.ACTIVE,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role,
    logGroup,
    environment: {
      POWERTOOLS_SERVICE_NAME: metricsServiceName(scope),
      POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace ?? 'ShopPipeline',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // Stack traces point into the TypeScript sources through the bundled source map.
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    },
    // Shared with the local cloud's live reload, which rebuilds a changed handler with the same settings.
    bundling: cdkBundling(PIPELINE_BUNDLING),
  });
  recordBundle(fn, props.entry, PIPELINE_BUNDLING);
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) have no resource-level permission.',
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'nodejs22.x is the runtime the pipeline is tested on here and on LocalStack; it is supported by AWS until 2027.',
  });

  for (const [variable, grant] of Object.entries(props.tables ?? {})) {
    fn.addEnvironment(variable, grant.table.tableName);
    const access = grant.access ?? 'readWrite';
    if (access === 'read') grant.table.grantReadData(fn);
    else if (access === 'write') grant.table.grantWriteData(fn);
    else grant.table.grantReadWriteData(fn);
  }
  return fn;
}
