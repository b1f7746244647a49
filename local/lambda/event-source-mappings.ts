import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { parsePattern, type CompiledPattern } from '../eventbridge/pattern';
import type { SqsService } from '../sqs/sqs-service';
import { SqsEventSourceMapping } from './event-source-mapping';
import { parseFunctionName } from './function-name';
import { LambdaErrors } from './lambda-errors';
import type { LambdaService, LocalFunction } from './lambda-service';
import { parseStreamArn, type StreamReader } from '../dynamodb/stream-reader';
import { StreamEventSourceMapping, type StreamFailureRecord } from './stream-event-source-mapping';
import { isStreamArn, startingPosition, STREAM_DEFAULTS, streamSettings, type StreamSettings } from './stream-mapping-settings';

/** What the local cloud runs at most per mapping (each poller holds a sandbox). */
const LOCAL_POLLER_CAP = 10;
const SQS_DEFAULT_BATCH_SIZE = 10;

interface MappingRecord {
  readonly runtime: SqsEventSourceMapping;
  /** The function as the caller named it, resolved to an ARN (a `:$LATEST` qualifier is kept, as Lambda does). */
  functionArn: string;
  /** Seconds since the epoch, as the REST protocol carries `LastModified`. */
  lastModified: number;
  functionResponseTypes: string[];
  scalingConfig?: { MaximumConcurrency: number };
  filterCriteria?: { Filters: Array<{ Pattern: string }> };
  /** Counted into the function's concurrency (released on delete or a function change). */
  pollers: number;
}

type Input = Record<string, unknown>;

interface StreamMappingRecord {
  readonly runtime: StreamEventSourceMapping;
  functionArn: string;
  lastModified: number;
  functionResponseTypes: string[];
  settings: StreamSettings;
  filterCriteria?: { Filters: Array<{ Pattern: string }> };
}

/** What every kind of mapping record has: an update changes these alike. */
type AnyMappingRecord = MappingRecord | StreamMappingRecord;

/** What stream mappings need once DynamoDB Local runs: its streams, and where failed batches go. */
export interface StreamSupport {
  readonly reader: StreamReader;
  readonly sendFailure: (destinationArn: string, record: StreamFailureRecord) => void;
  /** Where an earlier run left the function's reading of the stream's shard (`--persist`). */
  readonly resumeAfter?: (functionName: string, streamArn: string, shardId: string) => string | undefined;
}

/**
 * Lambda's event source mappings for SQS queues: the control plane (Create, Get, List, Update,
 * Delete, with AWS's validation, messages and output shapes) over the pollers that run them. The
 * assembly deployer's mappings are adopted here too, so the API lists every mapping.
 *
 * A call that changes a mapping answers with the transitional state AWS reports (`Creating`,
 * `Enabling`, `Updating`, `Disabling`, `Deleting`); the change itself applies at once, so the next
 * read sees `Enabled`, `Disabled`, or no mapping.
 */
export class EventSourceMappings {
  private readonly records = new Map<string, MappingRecord>();
  private readonly streamRecords = new Map<string, StreamMappingRecord>();
  private streams: StreamSupport | undefined;

  constructor(private readonly deps: { clock: Clock; sqs: SqsService; lambda: LambdaService; region: string; accountId: string; changed: () => void }) {}

  /** Every mapping's poller (settling reads them). */
  runtimes(): SqsEventSourceMapping[] {
    return [...this.records.values()].map((record) => record.runtime);
  }

  /** Every DynamoDB stream mapping's poller (settling reads them). */
  streamRuntimes(): StreamEventSourceMapping[] {
    return [...this.streamRecords.values()].map((record) => record.runtime);
  }

  /** Enables DynamoDB stream sources (the cloud calls it once DynamoDB Local runs). */
  useStreams(support: StreamSupport): void {
    this.streams = support;
  }

  /**
   * A write reached DynamoDB: the pollers of the tables it wrote (all, when unknown) read now rather
   * than at their next idle poll. Only those: under a burst, waking every poller for every write had
   * each one read DynamoDB Local after every write to any table, starving the handlers' own writes.
   */
  streamWritten(tables?: readonly string[]): void {
    const written = tables === undefined ? undefined : new Set(tables);
    for (const { runtime } of this.streamRecords.values()) {
      if (written === undefined || written.has(parseStreamArn(runtime.config.streamArn)?.table ?? '')) runtime.notify();
    }
  }

  /** Registers a mapping created elsewhere (the assembly deployer) and starts it. */
  adopt(runtime: SqsEventSourceMapping): void {
    this.records.set(runtime.uuid, {
      runtime,
      functionArn: runtime.config.fn.arn,
      lastModified: this.deps.clock.now() / 1000,
      functionResponseTypes: runtime.config.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      pollers: 0,
    });
    runtime.start();
  }

  stopAll(): void {
    for (const { runtime } of this.records.values()) runtime.stop();
    for (const { runtime } of this.streamRecords.values()) runtime.stop();
  }

  create(input: Input): Record<string, unknown> | Promise<Record<string, unknown>> {
    const sourceArn = input['EventSourceArn'];
    if (isStreamArn(sourceArn)) return this.createStream(sourceArn, input);
    if (typeof sourceArn !== 'string' || !/^arn:aws[a-zA-Z-]*:sqs:/.test(sourceArn)) throw LambdaErrors.invalidParameter('Unrecognized event source.');
    if (input['DestinationConfig'] !== undefined) throw LambdaErrors.invalidParameter('Unsupported DestinationConfig parameter for given event source mapping type.');
    const fifo = sourceArn.endsWith('.fifo');
    const batchSize = input['BatchSize'] === undefined ? SQS_DEFAULT_BATCH_SIZE : input['BatchSize'];
    const window = input['MaximumBatchingWindowInSeconds'] === undefined ? 0 : input['MaximumBatchingWindowInSeconds'];
    validateBatching(batchSize, window, fifo);
    const scalingConfig = scaling(input['ScalingConfig']);
    const responseTypes = functionResponseTypes(input['FunctionResponseTypes']);
    const filterCriteria = filters(input['FilterCriteria']);
    const { fn, functionArn } = this.resolveFunction(input['FunctionName']);
    const queue = this.deps.sqs.findByArn(sourceArn);
    if (queue === undefined) {
      throw LambdaErrors.invalidParameter('Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.');
    }
    for (const [uuid, record] of this.records) {
      if (record.runtime.config.queue === queue && record.runtime.config.fn === fn) {
        throw LambdaErrors.conflict(`An event source mapping with SQS arn (" ${queue.arn} ") and function (" ${fn.name} ") already exists. Please update or delete the existing mapping with UUID ${uuid}`);
      }
    }
    const enabled = input['Enabled'] !== false;
    const record: MappingRecord = {
      runtime: new SqsEventSourceMapping(
        {
          queue,
          fn,
          batchSize: batchSize as number,
          batchingWindowSeconds: window as number,
          reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
          maximumConcurrency: 1,
          enabled,
          ...(filterCriteria === undefined ? {} : { filter: compileFilters(filterCriteria) }),
        },
        { clock: this.deps.clock, sqs: this.deps.sqs, lambda: this.deps.lambda, region: this.deps.region, changed: this.deps.changed },
        randomUUID(),
      ),
      functionArn,
      lastModified: this.deps.clock.now() / 1000,
      functionResponseTypes: responseTypes,
      ...(scalingConfig === undefined ? {} : { scalingConfig }),
      ...(filterCriteria === undefined ? {} : { filterCriteria }),
      pollers: 0,
    };
    this.setPollers(record, scalingConfig);
    this.records.set(record.runtime.uuid, record);
    record.runtime.start();
    return this.describe(record, enabled ? 'Creating' : 'Disabled');
  }

  /** A DynamoDB stream mapping: validated as Lambda validates one, polling once created. */
  private async createStream(sourceArn: string, input: Input): Promise<Record<string, unknown>> {
    const position = startingPosition(input['StartingPosition']);
    const settings = streamSettings(input, STREAM_DEFAULTS);
    const responseTypes = functionResponseTypes(input['FunctionResponseTypes']);
    const filterCriteria = filters(input['FilterCriteria']);
    const { fn, functionArn } = this.resolveFunction(input['FunctionName']);
    const localArn = this.streams === undefined ? undefined : await this.streams.reader.localArn(sourceArn);
    if (this.streams === undefined || localArn === undefined) throw LambdaErrors.invalidParameter(`Stream not found: ${sourceArn}`);
    for (const [uuid, record] of this.streamRecords) {
      if (record.runtime.config.streamArn === sourceArn && record.runtime.config.fn === fn) {
        throw LambdaErrors.conflict(`The event source arn (" ${sourceArn} ") and function (" ${fn.name} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${uuid}`);
      }
    }
    const enabled = input['Enabled'] !== false;
    const streams = this.streams;
    const runtime = new StreamEventSourceMapping(
      {
        streamArn: sourceArn,
        localArn,
        startingPosition: position,
        fn,
        enabled,
        reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
        ...runtimeSettings(settings),
        ...(filterCriteria === undefined ? {} : { filter: compileRecordFilters(filterCriteria) }),
      },
      {
        clock: this.deps.clock,
        reader: streams.reader,
        lambda: this.deps.lambda,
        region: this.deps.region,
        sendFailure: streams.sendFailure,
        changed: this.deps.changed,
        ...(streams.resumeAfter === undefined ? {} : { resumeAfter: (shardId: string) => streams.resumeAfter?.(fn.name, sourceArn, shardId) }),
      },
    );
    const record: StreamMappingRecord = {
      runtime,
      functionArn,
      lastModified: this.deps.clock.now() / 1000,
      functionResponseTypes: responseTypes,
      settings,
      ...(filterCriteria === undefined ? {} : { filterCriteria }),
    };
    // One poller per shard: the function may run once at a time for it.
    fn.concurrency += 1;
    this.streamRecords.set(runtime.uuid, record);
    runtime.start();
    await runtime.ready;
    return this.describeStream(record, enabled ? 'Creating' : 'Disabled');
  }

  private updateStream(record: StreamMappingRecord, input: Input): Record<string, unknown> {
    const config = record.runtime.config;
    const settings = streamSettings(input, record.settings);
    const { responseTypes, filterCriteria, target } = this.commonUpdate(record, input);
    if (target !== undefined) {
      config.fn.concurrency = Math.max(0, config.fn.concurrency - 1);
      config.fn = target.fn;
      config.fn.concurrency += 1;
      record.functionArn = target.functionArn;
    }
    Object.assign(config, runtimeSettings(settings));
    if (settings.onFailure === undefined) delete config.onFailure;
    config.reportBatchItemFailures = responseTypes.includes('ReportBatchItemFailures');
    record.settings = settings;
    record.functionResponseTypes = responseTypes;
    if (filterCriteria === undefined) {
      delete record.filterCriteria;
      delete config.filter;
    } else {
      record.filterCriteria = filterCriteria;
      const filter = compileRecordFilters(filterCriteria);
      if (filter === undefined) delete config.filter;
      else config.filter = filter;
    }
    return this.describeStream(record, this.finishUpdate(record, input));
  }

  /** The members every kind of mapping updates alike: response types, filters and the function, validated before anything changes. */
  private commonUpdate(record: AnyMappingRecord, input: Input) {
    return {
      responseTypes: input['FunctionResponseTypes'] === undefined ? record.functionResponseTypes : functionResponseTypes(input['FunctionResponseTypes']),
      filterCriteria: input['FilterCriteria'] === undefined ? record.filterCriteria : filters(input['FilterCriteria']),
      target: input['FunctionName'] === undefined ? undefined : this.resolveFunction(input['FunctionName']),
    };
  }

  /** Applies `Enabled` (starting or stopping the pollers) and stamps the change; the transition state the answer shows. */
  private finishUpdate(record: AnyMappingRecord, input: Input): 'Updating' | 'Enabling' | 'Disabling' {
    const config = record.runtime.config;
    const wasEnabled = config.enabled;
    const enabled = typeof input['Enabled'] === 'boolean' ? input['Enabled'] : wasEnabled;
    record.lastModified = this.deps.clock.now() / 1000;
    config.enabled = enabled;
    if (enabled && !record.runtime.isRunning) record.runtime.start();
    if (!enabled && record.runtime.isRunning) record.runtime.stop();
    return enabled === wasEnabled ? 'Updating' : enabled ? 'Enabling' : 'Disabling';
  }

  /** A stream mapping as Lambda describes one (test_dynamodb_event_source_mapping, recorded on AWS). */
  private describeStream(record: StreamMappingRecord, state?: string): Record<string, unknown> {
    const { runtime, settings } = record;
    return {
      UUID: runtime.uuid,
      StartingPosition: runtime.config.startingPosition,
      BatchSize: settings.batchSize,
      MaximumBatchingWindowInSeconds: settings.batchingWindowSeconds,
      ParallelizationFactor: settings.parallelizationFactor,
      EventSourceArn: runtime.config.streamArn,
      ...(record.filterCriteria === undefined ? {} : { FilterCriteria: record.filterCriteria }),
      FunctionArn: record.functionArn,
      LastModified: record.lastModified,
      LastProcessingResult: runtime.metrics.batches === 0 ? 'No records processed' : 'OK',
      State: state ?? (runtime.config.enabled ? 'Enabled' : 'Disabled'),
      StateTransitionReason: 'User action',
      DestinationConfig: { OnFailure: settings.onFailure === undefined ? {} : { Destination: settings.onFailure } },
      MaximumRecordAgeInSeconds: settings.maximumRecordAgeSeconds,
      BisectBatchOnFunctionError: settings.bisectBatchOnFunctionError,
      MaximumRetryAttempts: settings.maximumRetryAttempts,
      TumblingWindowInSeconds: 0,
      FunctionResponseTypes: record.functionResponseTypes,
      EventSourceMappingArn: `arn:aws:lambda:${this.deps.region}:${this.deps.accountId}:event-source-mapping:${runtime.uuid}`,
    };
  }

  get(uuid: string): Record<string, unknown> {
    const stream = this.streamRecords.get(uuid);
    if (stream !== undefined) return this.describeStream(stream);
    return this.describe(this.find(uuid));
  }

  list(query: URLSearchParams): Record<string, unknown> {
    const functionName = query.get('FunctionName');
    const sourceArn = query.get('EventSourceArn');
    let fn: LocalFunction | undefined;
    if (functionName !== null) {
      const reference = parseFunctionName(functionName, this.deps.region);
      fn = this.deps.lambda.find(reference.name);
      // Listing by a function that does not exist finds nothing (no error), as in Lambda.
      if (fn === undefined) return { EventSourceMappings: [] };
    }
    const maxItems = query.get('MaxItems') === null ? 100 : Number(query.get('MaxItems'));
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10_000) {
      throw LambdaErrors.validation(`1 validation error detected: Value '${query.get('MaxItems')}' at 'maxItems' failed to satisfy constraint: Member must have value ${maxItems < 1 ? 'greater than or equal to 1' : 'less than or equal to 10000'}`);
    }
    const entries = [
      ...[...this.records.values()].map((record) => ({ uuid: record.runtime.uuid, fn: record.runtime.config.fn, source: record.runtime.config.queue.arn, describe: () => this.describe(record) })),
      ...[...this.streamRecords.values()].map((record) => ({ uuid: record.runtime.uuid, fn: record.runtime.config.fn, source: record.runtime.config.streamArn, describe: () => this.describeStream(record) })),
    ];
    const matching = entries.filter((entry) => (fn === undefined || entry.fn === fn) && (sourceArn === null || entry.source === sourceArn));
    const marker = query.get('Marker');
    const start = marker === null ? 0 : Math.max(0, matching.findIndex((entry) => entry.uuid === marker));
    const page = matching.slice(start, start + maxItems);
    const next = matching[start + maxItems];
    return { EventSourceMappings: page.map((entry) => entry.describe()), ...(next === undefined ? {} : { NextMarker: next.uuid }) };
  }

  update(uuid: string, input: Input): Record<string, unknown> {
    const stream = this.streamRecords.get(uuid);
    if (stream !== undefined) return this.updateStream(stream, input);
    const record = this.find(uuid);
    const config = record.runtime.config;
    const batchSize = input['BatchSize'] ?? config.batchSize;
    const window = input['MaximumBatchingWindowInSeconds'] ?? config.batchingWindowSeconds;
    if (input['DestinationConfig'] !== undefined) throw LambdaErrors.invalidParameter('Unsupported DestinationConfig parameter for given event source mapping type.');
    validateBatching(batchSize, window, config.queue.fifo);
    const scalingConfig = input['ScalingConfig'] === undefined ? record.scalingConfig : scaling(input['ScalingConfig']);
    const { responseTypes, filterCriteria, target } = this.commonUpdate(record, input);

    if (target !== undefined) {
      this.releasePollers(record);
      config.fn = target.fn;
      record.functionArn = target.functionArn;
    }
    config.batchSize = batchSize as number;
    config.batchingWindowSeconds = window as number;
    config.reportBatchItemFailures = responseTypes.includes('ReportBatchItemFailures');
    record.functionResponseTypes = responseTypes;
    if (scalingConfig === undefined) delete record.scalingConfig;
    else record.scalingConfig = scalingConfig;
    if (filterCriteria === undefined) {
      delete record.filterCriteria;
      delete config.filter;
    } else {
      record.filterCriteria = filterCriteria;
      config.filter = compileFilters(filterCriteria);
    }
    this.releasePollers(record);
    this.setPollers(record, scalingConfig);
    return this.describe(record, this.finishUpdate(record, input));
  }

  delete(uuid: string): Record<string, unknown> {
    const stream = this.streamRecords.get(uuid);
    if (stream !== undefined) {
      stream.runtime.config.enabled = false;
      stream.runtime.stop();
      stream.runtime.config.fn.concurrency = Math.max(0, stream.runtime.config.fn.concurrency - 1);
      this.streamRecords.delete(uuid);
      this.deps.changed();
      return this.describeStream(stream, 'Deleting');
    }
    const record = this.find(uuid);
    record.runtime.config.enabled = false;
    record.runtime.stop();
    this.releasePollers(record);
    this.records.delete(uuid);
    this.deps.changed();
    return this.describe(record, 'Deleting');
  }

  private find(uuid: string): MappingRecord {
    const record = this.records.get(uuid);
    if (record === undefined) throw LambdaErrors.resourceNotFound();
    return record;
  }

  /** The function a mapping names; a name, partial or full ARN, `$LATEST` kept in the reported ARN. */
  private resolveFunction(value: unknown): { fn: LocalFunction; functionArn: string } {
    const reference = parseFunctionName(value, this.deps.region);
    const fn = this.deps.lambda.find(reference.name);
    // Only $LATEST exists locally: a version or alias is a function that does not exist.
    if (fn === undefined || (reference.qualifier !== undefined && reference.qualifier !== '$LATEST')) throw LambdaErrors.invalidParameter('Function does not exist');
    return { fn, functionArn: reference.qualifier === undefined ? fn.arn : `${fn.arn}:${reference.qualifier}` };
  }

  /** Pollers follow ScalingConfig's MaximumConcurrency, capped locally; the function may run that many at once. */
  private setPollers(record: MappingRecord, scalingConfig: { MaximumConcurrency: number } | undefined): void {
    const pollers = Math.min(scalingConfig?.MaximumConcurrency ?? LOCAL_POLLER_CAP, LOCAL_POLLER_CAP);
    record.runtime.config.maximumConcurrency = pollers;
    record.runtime.config.fn.concurrency += pollers;
    record.pollers = pollers;
  }

  private releasePollers(record: MappingRecord): void {
    record.runtime.config.fn.concurrency = Math.max(0, record.runtime.config.fn.concurrency - record.pollers);
    record.pollers = 0;
  }

  /** The mapping as Lambda describes an SQS event source mapping (members it leaves out when unset stay out). */
  private describe(record: MappingRecord, state?: string): Record<string, unknown> {
    const { runtime } = record;
    return {
      UUID: runtime.uuid,
      BatchSize: runtime.config.batchSize,
      MaximumBatchingWindowInSeconds: runtime.config.batchingWindowSeconds,
      EventSourceArn: runtime.config.queue.arn,
      ...(record.filterCriteria === undefined ? {} : { FilterCriteria: record.filterCriteria }),
      FunctionArn: record.functionArn,
      LastModified: record.lastModified,
      State: state ?? (runtime.config.enabled ? 'Enabled' : 'Disabled'),
      StateTransitionReason: 'USER_INITIATED',
      FunctionResponseTypes: record.functionResponseTypes,
      ...(record.scalingConfig === undefined ? {} : { ScalingConfig: record.scalingConfig }),
      EventSourceMappingArn: `arn:aws:lambda:${this.deps.region}:${this.deps.accountId}:event-source-mapping:${runtime.uuid}`,
    };
  }
}

/**
 * Lambda's batching rules for SQS: a batch size of 1 to 10,000, above 10 only with a batching
 * window of at least one second; a window of at most 300 seconds; FIFO queues take no window and
 * batches of at most 10.
 */
function validateBatching(batchSize: unknown, window: unknown, fifo: boolean): void {
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw LambdaErrors.validation(`1 validation error detected: Value '${String(batchSize)}' at 'batchSize' failed to satisfy constraint: Member must have value ${Number(batchSize) < 1 ? 'greater than or equal to 1' : 'less than or equal to 10000'}`);
  }
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 0 || window > 300) {
    throw LambdaErrors.validation(`1 validation error detected: Value '${String(window)}' at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value ${Number(window) < 0 ? 'greater than or equal to 0' : 'less than or equal to 300'}`);
  }
  if (fifo && window > 0) throw LambdaErrors.invalidParameter('Batching window is not supported for FIFO queues');
  if (fifo && batchSize > 10) throw LambdaErrors.invalidParameter('Maximum batch size must be between 1 and 10 inclusive');
  if (batchSize > 10 && window === 0) throw LambdaErrors.invalidParameter('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
}

/** ScalingConfig: MaximumConcurrency from 2 to 1,000; an empty ScalingConfig removes it. */
function scaling(value: unknown): { MaximumConcurrency: number } | undefined {
  const maximum = (value as { MaximumConcurrency?: unknown } | undefined)?.MaximumConcurrency;
  if (maximum === undefined) return undefined;
  if (typeof maximum !== 'number' || !Number.isInteger(maximum) || maximum < 2 || maximum > 1000) {
    throw LambdaErrors.validation(`1 validation error detected: Value '${String(maximum)}' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value ${Number(maximum) < 2 ? 'greater than or equal to 2' : 'less than or equal to 1000'}`);
  }
  return { MaximumConcurrency: maximum };
}

function functionResponseTypes(value: unknown): string[] {
  if (value === undefined) return [];
  const types = Array.isArray(value) ? value : [value];
  if (types.some((type) => type !== 'ReportBatchItemFailures')) {
    throw LambdaErrors.validation(`1 validation error detected: Value '[${types.join(', ')}]' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]`);
  }
  return [...new Set(types as string[])];
}

/** FilterCriteria: every pattern must be a valid event pattern (Lambda's filter language is EventBridge's). */
function filters(value: unknown): { Filters: Array<{ Pattern: string }> } | undefined {
  if (value === undefined || value === null) return undefined;
  const list = (value as { Filters?: unknown }).Filters;
  const entries = Array.isArray(list) ? (list as Array<{ Pattern?: unknown }>) : [];
  for (const entry of entries) {
    if (typeof entry?.Pattern !== 'string') throw LambdaErrors.invalidParameter('Invalid filter pattern definition.');
    try {
      parsePattern(entry.Pattern);
    } catch {
      throw LambdaErrors.invalidParameter('Invalid filter pattern definition.');
    }
  }
  return { Filters: entries.map((entry) => ({ Pattern: entry.Pattern as string })) };
}

/**
 * A record passes when any filter matches it. A body that is JSON is matched as the parsed value;
 * any other body as its text (so a pattern on body fields drops it).
 */
function compileFilters(criteria: { Filters: Array<{ Pattern: string }> }): ((record: unknown) => boolean) | undefined {
  if (criteria.Filters.length === 0) return undefined;
  const patterns: CompiledPattern[] = criteria.Filters.map((filter) => parsePattern(filter.Pattern));
  return (record) => {
    const { body } = record as { body: string };
    let parsed: unknown = body;
    try {
      parsed = JSON.parse(body);
    } catch {
      // A plain-text body stays text.
    }
    const view = { ...(record as object), body: parsed };
    return patterns.some((pattern) => pattern.matches(view));
  };
}

/** The poller's share of a stream mapping's settings. */
function runtimeSettings(settings: StreamSettings) {
  return {
    batchSize: settings.batchSize,
    batchingWindowSeconds: settings.batchingWindowSeconds,
    bisectBatchOnFunctionError: settings.bisectBatchOnFunctionError,
    maximumRetryAttempts: settings.maximumRetryAttempts,
    maximumRecordAgeSeconds: settings.maximumRecordAgeSeconds,
    ...(settings.onFailure === undefined ? {} : { onFailure: settings.onFailure }),
  };
}

/** A stream record passes when any filter matches it, matched as the function would receive it. */
function compileRecordFilters(criteria: { Filters: Array<{ Pattern: string }> }): ((record: unknown) => boolean) | undefined {
  if (criteria.Filters.length === 0) return undefined;
  const patterns: CompiledPattern[] = criteria.Filters.map((filter) => parsePattern(filter.Pattern));
  return (record) => patterns.some((pattern) => pattern.matches(record));
}
