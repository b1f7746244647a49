import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCloudAssembly } from './assembly/cloud-assembly';
import { deployAssembly, type Deployment } from './assembly/deploy';
import { SystemClock, type Clock } from './clock';
import { CloudFormationApi } from './cloudformation/api/cloudformation-api';
import { templateUrlReader } from './cloudformation/api/template-url';
import { s3Assets } from './cloudformation/assets';
import { CodeStore } from './lambda/function-code';
import { createStackEngine, type LocalStackEngine } from './cloudformation/engine';
import type { DeliveryFault } from './eventbridge/delivery';
import { DeliveryError } from './eventbridge/delivery';
import { EventBridgeService } from './eventbridge/eventbridge-service';
import { CapacityMeter } from './dynamodb/capacity-meter';
import { dynamoDbProxy, dynamoDbStreamsProxy } from './dynamodb/dynamodb-proxy';
import { StreamReader } from './dynamodb/stream-reader';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb/dynamodb-local';
import { Gateway, type GatewayService, type RawGatewayService } from './gateway/server';
import { EventSourceMappings } from './lambda/event-source-mappings';
import { LambdaApi } from './lambda/lambda-api';
import { LambdaService, type InvokeFault } from './lambda/lambda-service';
import { LogsService } from './logs/logs-service';
import { MetricStore } from './metrics/metric-store';
import { metricsRoute } from './metrics/metrics-route';
import { xrayTraceHeader } from './lambda/trace-header';
import { CloudPersistence } from './persist/cloud-persistence';
import { resetCloud } from './persist/reset';
import { Recorder, recorderObservers, recorderRoutes } from './recorder';
import { KeySchemas } from './recorder/key-schemas';
import { S3Api } from './s3/s3-api';
import { S3Service } from './s3/s3-service';
import { Settler, type SettleResult } from './settle';
import { SqsService } from './sqs/sqs-service';
import { SsmService } from './ssm/ssm-service';
import { StsService } from './sts/sts-service';
import type { Faults } from './faults/faults';
import { consoleRoutes } from './console/console-routes';
import { listTables } from './dynamodb/list-tables';

export interface LocalCloudOptions {
  /** @default 4566, as LocalStack */
  readonly port?: number;
  /** @default 127.0.0.1: the local cloud is not reachable from other machines unless asked. */
  readonly host?: string;
  readonly region?: string;
  readonly accountId?: string;
  /** @default a SystemClock; tests pass a ManualClock. */
  readonly clock?: Clock;
  /** Start AWS's DynamoDB Local behind the endpoint. @default true when an app is deployed */
  readonly dynamodb?: boolean;
  /** A cloud assembly (`cdk.out`) to deploy. @default none */
  readonly app?: string;
  /** Where to write the deployed stacks' outputs (`cdk deploy --outputs-file` format). @default none */
  readonly outputsFile?: string;
  /** First EventBridge delivery retry delay. @default 1000 */
  readonly retryBaseDelayMs?: number;
  readonly deliveryFault?: DeliveryFault;
  readonly invokeFault?: InvokeFault;
  /** Seeded fault injection across the services (off unless given). */
  readonly faults?: Faults;
  /** Receives the local cloud's own messages. */
  readonly log?: (message: string) => void;
  /** Receives each line a handler prints. */
  readonly onHandlerLog?: (functionName: string, line: string) => void;
  /** Meter DynamoDB's consumed capacity (for the cost model; costs a parse of each request). @default false */
  readonly meterDynamoDb?: boolean;
  /** The flight recorder (`/_local/recorder/*`): `false` turns it off. @default on, the last 100,000 hops */
  readonly recorder?: false | { readonly capacity?: number };
  /** A directory that keeps tables, queues with their messages, archives and the recorder across restarts (`--persist`). @default none: all in memory */
  readonly persist?: string;
}

/** The running local cloud: its endpoint, services, clock and deployed app. */
export interface LocalCloud {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** The services the endpoint serves, by name (`events`, `sqs`, `dynamodb`, `sts`, ...), as the health answer lists them. */
  readonly services: readonly string[];
  readonly clock: Clock;
  readonly sqs: SqsService;
  readonly eventBridge: EventBridgeService;
  readonly lambda: LambdaService;
  /** S3's buckets and objects, in memory (the CDK's asset bucket, templates, Lambda code). */
  readonly s3: S3Service;
  /** STS: the caller's identity and the temporary credentials of assumed roles. */
  readonly sts: StsService;
  /** CloudWatch Logs: every function's output (its log group, one stream per sandbox), bounded in memory. */
  readonly logs: LogsService;
  /** What handlers emitted in embedded metric format (read from their output), bounded in memory; `GET /_local/metrics`. */
  readonly metrics: MetricStore;
  /** SSM Parameter Store; `ssm.parameters` is the store CloudFormation reads and writes in process. */
  readonly ssm: SsmService;
  /** CloudFormation's API (the CDK CLI deploys through it) and the stack engine under it. */
  readonly cloudFormation: CloudFormationApi;
  readonly stackEngine: LocalStackEngine;
  /** Every event source mapping: the deployed app's and those created through the Lambda API. */
  readonly mappings: EventSourceMappings;
  readonly dynamodb?: DynamoDbLocal;
  /** DynamoDB's consumed capacity, when `meterDynamoDb` was asked. */
  readonly dynamodbMeter?: CapacityMeter;
  readonly deployment?: Deployment;
  /** The flight recorder: every event's hops (unless turned off). */
  readonly recorder?: Recorder;
  /** The state saved in the `persist` directory, when one was given. */
  readonly persistence?: CloudPersistence;
  /** AWS requests the endpoint is serving now, long polls excepted. */
  requestsInFlight(): number;
  /** Resolves once settled (or at the deadline, saying what is pending); `warp: false` waits out timers in real time. */
  settle(timeoutMs?: number, options?: { warp?: boolean }): Promise<SettleResult>;
  stop(): Promise<void>;
}

/**
 * Starts the local cloud: EventBridge, SQS, Lambda and DynamoDB (AWS's DynamoDB Local, proxied)
 * behind one AWS-compatible endpoint, and deploys a cloud assembly on it when given one.
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const clock = options.clock ?? new SystemClock();
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const log = options.log ?? (() => undefined);
  let endpoint = '';
  let gateway: Gateway | undefined;

  const faults = options.faults;
  // The flight recorder: the services tell it what happens through callbacks (none of them imports it).
  const recorder = options.recorder === false ? undefined : new Recorder({ ...(options.recorder?.capacity === undefined ? {} : { capacity: options.recorder.capacity }), now: () => clock.now() });
  let keySchemas: KeySchemas | undefined;
  const observers = recorder === undefined ? undefined : recorderObservers(recorder, { log, keyNames: (table, later) => keySchemas?.get(table, later) });
  const sqs = new SqsService({ clock, region, accountId, baseUrl: () => endpoint, ...(faults ? { loseDelete: () => faults.roll('duplicateReceive') } : {}), ...(observers === undefined ? {} : { observer: observers.queues }) });
  const eventBridge = new EventBridgeService({
    clock,
    sqs,
    region,
    accountId,
    log,
    ...(observers === undefined ? {} : { observer: observers.events }),
    ...(options.retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs: options.retryBaseDelayMs }),
    ...(options.deliveryFault === undefined ? {} : { fault: options.deliveryFault }),
    ...(faults === undefined
      ? {}
      : {
          putEventsFault: () => faults.roll('putEventsFailure'),
          duplicateDelivery: () => faults.roll('duplicateDelivery'),
          deliveryDelay: () => (faults.roll('reorder') ? faults.reorderDelay() : 0),
        }),
  });
  // The settler is told of every change of state; it exists once Lambda does.
  let settler: Settler | undefined;
  const changed = () => settler?.changed();
  const logs = new LogsService({ region, accountId, now: () => clock.now() });
  const metrics = new MetricStore();
  const lambda = new LambdaService({
    clock,
    region,
    accountId,
    changed,
    ...(observers === undefined ? {} : { observer: observers.invocations }),
    // An asynchronous event Lambda gave up on, with the attributes Lambda's DLQ messages carry (test_sqs_queue_as_lambda_dead_letter_queue).
    deadLetter: (failure) => {
      const text = (value: string) => ({ DataType: 'String', StringValue: value });
      try {
        sqs.findByArn(failure.targetArn)?.send({
          body: failure.body,
          attributes: { RequestID: text(failure.requestId), ErrorCode: { DataType: 'Number', StringValue: '200' }, ErrorMessage: text(failure.errorMessage.slice(0, 1000)) },
        });
      } catch {
        // A queue that refuses it (a FIFO queue, which Lambda cannot use as its DLQ): the event is lost, as on AWS.
      }
    },
    // An asynchronous invocation's record: a queue receives it as the message body; a bus as the detail
    // of a `lambda` event (test_lambda_destinations.py, recorded on AWS).
    destination: (destinationArn, record) => {
      const service = destinationArn.split(':')[2];
      if (service === 'sqs') {
        try {
          // Lambda sends the record traced: the message carries an AWSTraceHeader (test_retries, test_maxeventage).
          sqs.findByArn(destinationArn)?.send({ body: JSON.stringify(record), traceHeader: xrayTraceHeader(clock.now()) });
        } catch {
          // A queue that refuses it (a FIFO queue): the record is lost.
        }
      } else if (service === 'lambda') {
        const target = lambda.find(destinationArn);
        if (target !== undefined) lambda.invokeAsync(target, record);
      } else if (service === 'events') {
        const success = record.requestContext.condition === 'Success';
        void eventBridge.handle('PutEvents', {
          Entries: [{ EventBusName: destinationArn, Source: 'lambda', DetailType: `Lambda Function Invocation Result - ${success ? 'Success' : 'Failure'}`, Detail: JSON.stringify(record), Resources: [destinationArn, record.requestContext.functionArn] }],
        });
      }
    },
    ...(options.onHandlerLog === undefined ? {} : { onLog: options.onHandlerLog }),
    onLogRecord: (record) => {
      logs.write(record.logGroup, record.logStream, [{ timestamp: record.timestamp, message: record.line }]);
      metrics.receive(record.functionName, record.line);
    },
    ...(options.invokeFault !== undefined ? { fault: options.invokeFault } : faults !== undefined ? { fault: (fn: { name: string }) => faults.handlerFault(fn.name) } : {}),
  });
  const sts = new StsService({ accountId });
  const ssm = new SsmService({ region, accountId, now: () => clock.now() });
  const s3 = new S3Service({ region, accountId, now: () => clock.now() });
  const mappings = new EventSourceMappings({ clock, sqs, lambda, region, accountId, changed });
  const lambdaApi = new LambdaApi({ lambda, mappings, clock, region, accountId, endpoint: () => endpoint, readObject: (bucket, key) => s3.object(bucket, key).body });
  // Created once DynamoDB Local runs (tables need its client); settling waits for their operations.
  let stackEngine: LocalStackEngine | undefined;
  let cloudFormation: CloudFormationApi | undefined;
  settler = new Settler({
    clock,
    sqs,
    eventBridge,
    lambda,
    mappings: () => mappings.runtimes(),
    streamPollers: () => mappings.streamRuntimes(),
    requestsInFlight: () => gateway?.inFlight ?? 0,
    stackOperations: () => (stackEngine?.inProgress ?? 0) + (cloudFormation?.pending() ?? 0),
  });
  sqs.onChange(changed);
  // EventBridge delivers to a function as an asynchronous invocation: accepted once queued.
  eventBridge.registerTargetSender('lambda', (arn, payload) => {
    const fn = lambda.find(arn);
    if (fn === undefined) throw new DeliveryError('NO_RESOURCE', `Function not found: ${arn}`, false);
    lambda.invokeAsync(fn, JSON.parse(payload), payload);
  });

  let dynamodb: DynamoDbLocal | undefined;
  const dynamodbMeter = options.meterDynamoDb ? new CapacityMeter() : undefined;
  const cleanup: Array<() => Promise<void> | void> = [];
  let persistence: CloudPersistence | undefined;
  try {
    // First: an unusable directory fails the start before anything runs; saved last at stop (cleanup runs in reverse).
    persistence = options.persist === undefined ? undefined : new CloudPersistence(options.persist, log);
    cleanup.push(() => persistence?.stop());
    if (options.dynamodb ?? options.app !== undefined) {
      dynamodb = await startDynamoDbLocal(persistence === undefined ? {} : { dbPath: persistence.dynamodbPath });
      cleanup.push(() => dynamodb?.stop());
      // Stream mappings send a failed batch's record to their on-failure queue, as Lambda does (traced).
      mappings.useStreams({
        ...(persistence === undefined ? {} : { resumeAfter: persistence.resumeAfter }),
        reader: new StreamReader(dynamodb.endpoint),
        sendFailure: (arn, record) => {
          try {
            sqs.findByArn(arn)?.send({ body: JSON.stringify(record), traceHeader: xrayTraceHeader(clock.now()) });
          } catch {
            // A queue that refuses it (a FIFO queue): the record is lost.
          }
        },
      });
    }
    const stackDynamoDb = dynamodb === undefined ? undefined : new DynamoDBClient({ endpoint: dynamodb.endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    cleanup.push(() => stackDynamoDb?.destroy());
    if (stackDynamoDb !== undefined) {
      keySchemas = new KeySchemas(async (table) => ((await stackDynamoDb.send(new DescribeTableCommand({ TableName: table }))).Table?.KeySchema ?? []).map((key) => key.AttributeName ?? ''));
    }
    if (persistence !== undefined && stackDynamoDb !== undefined) persistence.adoptTables(stackDynamoDb);
    // Function code deployments unpacked from S3, removed when the cloud stops.
    const stackCode = new CodeStore();
    cleanup.push(() => stackCode.dispose());
    // `cdk deploy` publishes function code as zips to the bootstrap bucket: the engine reads them from S3.
    stackEngine = createStackEngine({
      clock,
      region,
      accountId,
      endpoint: () => endpoint,
      sqs,
      eventBridge,
      lambda,
      mappings,
      ...(stackDynamoDb === undefined ? {} : { dynamodb: stackDynamoDb }),
      assets: s3Assets((bucket, key) => s3.getObject(bucket, key), stackCode),
      ssm: ssm.parameters,
      s3,
      logs,
      changed,
    });
    cloudFormation = new CloudFormationApi({ engine: stackEngine, clock, region, accountId, readTemplateUrl: templateUrlReader(s3), changed, log });
    const services: Array<GatewayService | RawGatewayService> = [
      { targetPrefix: 'AWSEvents', name: 'events', contentType: 'application/x-amz-json-1.1', handle: (op, input, headers) => eventBridge.handle(op, input, headers) },
      { targetPrefix: 'AmazonSQS', name: 'sqs', contentType: 'application/x-amz-json-1.0', handle: (op, input, headers) => sqs.handle(op, input, headers) },
      ssm,
      logs,
      ...(dynamodb === undefined
        ? []
        : [
            dynamoDbStreamsProxy(dynamodb),
            dynamoDbProxy(dynamodb, {
              onWritten: (tables) => mappings.streamWritten(tables),
              ...(observers === undefined ? {} : { onWrite: observers.dynamodbWrite }),
              ...(dynamodbMeter === undefined ? {} : { meter: dynamodbMeter }),
              ...(faults === undefined
                ? {}
                : { fault: (operation: string) => (operation === 'TransactWriteItems' && faults.roll('transactionConflict') ? 'conflict' : faults.roll('dynamodbThrottle') ? 'throttle' : undefined) }),
            }),
          ]),
    ];
    const query = [sts, cloudFormation];
    const serviceNames = [...services.map((s) => s.name), 'lambda', ...query.map((s) => s.name), 's3'];
    gateway = new Gateway({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 4566,
      services,
      query,
      s3: new S3Api(s3, () => endpoint),
      rest: [
        { pathPrefix: '/2015-03-31/functions', name: 'lambda', handle: (request, body, url) => lambdaApi.handle(request, body, url) },
        { pathPrefix: '/2015-03-31/event-source-mappings', name: 'lambda', handle: (request, body, url) => lambdaApi.handle(request, body, url) },
        { pathPrefix: '/2019-09-25/functions', name: 'lambda', handle: (request, body, url) => lambdaApi.handle(request, body, url) },
      ],
      controls: {
        // `clock`: the cloud's time, ahead of the wall clock by the idle time settling skipped; event
        // times, archives and replay windows are in it.
        'GET /_local/health': async () => ({
          status: 200,
          body: { status: 'running', services: Object.fromEntries(serviceNames.map((name) => [name, 'running'])), clock: new Date(clock.now()).toISOString(), clockAheadMs: Math.max(0, Math.round(clock.now() - Date.now())) },
        }),
        'GET /_local/metrics': metricsRoute(metrics),
        ...(recorder === undefined ? {} : recorderRoutes(recorder)),
        // Empties every table, queue, archive, the recorder, logs and metrics; keeps the deployed app (local/persist/reset.ts).
        'POST /_local/reset': async (_request, _body, url) => {
          const timeoutMs = Number(url.searchParams.get('timeoutMs') ?? 10_000);
          const archives = eventBridge.archives;
          const result = await resetCloud({ settle: (ms) => settler!.settle(ms), ...(stackDynamoDb === undefined ? {} : { dynamodb: stackDynamoDb }), sqs, archives, logs: logs.store, metrics, lambda, ...(recorder === undefined ? {} : { recorder }) }, Number.isFinite(timeoutMs) ? timeoutMs : 10_000);
          await persistence?.save(true);
          return { status: 200, body: result };
        },
        'POST /_local/settle': async (_request, _body, url) => {
          const timeoutMs = Number(url.searchParams.get('timeoutMs') ?? 60_000);
          const result = await settler!.settle(Number.isFinite(timeoutMs) ? timeoutMs : 60_000);
          return { status: 200, body: result };
        },
        // The web console (`/_local/console`) and its JSON routes (local/console/console-routes.ts).
        ...consoleRoutes({
          eventBridge,
          sqs,
          lambda,
          mappings,
          logs,
          tables: () => listTables(stackDynamoDb),
          endpoint: () => endpoint,
          outputs: () => deployment?.outputs,
          ...(faults === undefined ? {} : { faults }),
        }),
      },
    });
    endpoint = await gateway.listen();
    cleanup.push(() => gateway?.close());

    let deployment: Deployment | undefined;
    if (options.app !== undefined) {
      const assembly = readCloudAssembly(options.app);
      // Through the engine the CloudFormation API serves: the app's stacks are listed there and `cdk deploy` can update them.
      deployment = await deployAssembly(assembly, { clock, sqs, eventBridge, lambda, endpoint, region, accountId, changed, engine: stackEngine, mappings });
      if (deployment.skipped.size > 0) {
        log(`not run locally (no local behaviour): ${[...deployment.skipped].map(([type, ids]) => `${type} ×${ids.length}`).join(', ')}`);
      }
      if (options.outputsFile !== undefined) {
        fs.mkdirSync(path.dirname(options.outputsFile), { recursive: true });
        fs.writeFileSync(options.outputsFile, `${JSON.stringify(deployment.outputs, null, 2)}\n`);
      }
    }
    // After the deployment: the app's queues and archives exist again to take back their messages and events.
    persistence?.restore({ sqs, archives: eventBridge.archives, mappings, now: () => clock.now(), ...(recorder === undefined ? {} : { recorder }) });

    return {
      endpoint,
      region,
      accountId,
      services: serviceNames,
      clock,
      sqs,
      eventBridge,
      lambda,
      s3,
      sts,
      ssm,
      logs,
      metrics,
      cloudFormation,
      stackEngine,
      mappings,
      ...(dynamodb === undefined ? {} : { dynamodb }),
      ...(dynamodbMeter === undefined ? {} : { dynamodbMeter }),
      ...(deployment === undefined ? {} : { deployment }),
      ...(recorder === undefined ? {} : { recorder }),
      ...(persistence === undefined ? {} : { persistence }),
      requestsInFlight: () => gateway?.inFlight ?? 0,
      settle: (timeoutMs, settleOptions) => settler!.settle(timeoutMs, settleOptions),
      stop: async () => {
        mappings.stopAll();
        for (const queue of sqs.allQueues()) queue.cancelWaits();
        lambda.stopAll();
        lambdaApi.dispose();
        for (const step of cleanup.reverse()) await step();
        if (clock instanceof SystemClock) clock.stop();
      },
    };
  } catch (error) {
    lambda.stopAll();
    for (const step of cleanup.reverse()) await step();
    if (clock instanceof SystemClock) clock.stop();
    throw error;
  }
}
