import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../clock';
import { SqsErrors } from './errors';
import { httpTraceHeader } from '../lambda/trace-header';
import { batchEntries, checkSendBatch, perEntry, receiveOptions, receiveResult, sendInput, sendResult } from './message-api';
import { MoveTasks } from './move-tasks';
import { SqsQueue, type QueueObserver, type SendInput, type StoredMessage } from './queue';
import { parseRedriveAllowPolicy, parseRedrivePolicy, QUEUE_ATTRIBUTE_NAMES, validateQueueAttributes } from './queue-attributes';
import { addPermission, removePermission } from './queue-permissions';
import { validateQueueName } from './queue-name';
import { QueueTags } from './queue-tags';

export interface SqsServiceOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** Base URL queue URLs are built on (the endpoint's). */
  readonly baseUrl: () => string;
  /** Fault injection: lose a delete (the message comes back: received twice). */
  readonly loseDelete?: () => boolean;
  /** Told what happens to every queue's messages (the flight recorder). */
  readonly observer?: QueueObserver;
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

/** A deleted queue's name, and a purged queue, are held for 60 s (CreateQueue, PurgeQueue API reference). */
const HOLD_MS = 60_000;

/**
 * Amazon SQS, in memory: the queue registry and every operation of the JSON protocol, taking and
 * returning the API's shapes. Other services (EventBridge targets, event source mappings) use the
 * same queues in-process.
 */
export class SqsService {
  private readonly queues = new Map<string, SqsQueue>();
  /** When each recently deleted name was deleted (QueueDeletedRecently). */
  private readonly deletedAt = new Map<string, number>();
  /** When each queue was last purged (PurgeQueueInProgress). */
  private readonly purgedAt = new WeakMap<SqsQueue, number>();
  private readonly tags = new QueueTags<SqsQueue>();
  readonly moveTasks: MoveTasks;
  private readonly listeners = new Set<(queue: SqsQueue) => void>();
  /** Counts requests by operation (the cost model reads it). */
  readonly requestCounts = new Map<string, number>();

  constructor(private readonly options: SqsServiceOptions) {
    this.moveTasks = new MoveTasks(this, options.clock);
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** Subscribes to "messages may have become available or moved" on any queue. */
  onChange(listener: (queue: SqsQueue) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  allQueues(): SqsQueue[] {
    return [...this.queues.values()];
  }

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.options.region}:${this.options.accountId}:${name}`;
  }

  urlOf(name: string): string {
    return `${this.options.baseUrl()}/${this.options.accountId}/${name}`;
  }

  /**
   * The queue a URL names (any host: the SDK may rewrite it; a bare name too, as SQS accepts), or
   * QueueDoesNotExist; a URL naming another account's queue names none of ours.
   */
  queueByUrl(url: unknown): SqsQueue {
    if (typeof url !== 'string' || url === '') throw SqsErrors.missingParameter('QueueUrl');
    const parts = url.replace(/\/+$/, '').split('/');
    const name = parts.pop() ?? '';
    const account = parts.pop();
    if (account !== undefined && /^\d{12}$/.test(account) && account !== this.options.accountId) throw SqsErrors.queueDoesNotExist();
    return this.queueByName(name);
  }

  queueByName(name: string): SqsQueue {
    const queue = this.queues.get(name);
    if (queue === undefined) throw SqsErrors.queueDoesNotExist();
    return queue;
  }

  queueByArn(arn: unknown): SqsQueue {
    if (typeof arn !== 'string' || !arn.startsWith('arn:')) {
      throw SqsErrors.invalidParameterValue(`Value ${String(arn)} for parameter arn is invalid. Reason: must be an SQS queue ARN.`);
    }
    const queue = this.findByArn(arn);
    if (queue === undefined) throw SqsErrors.resourceNotFound(`The resource that you specified for the SourceArn parameter doesn't exist.`);
    return queue;
  }

  findByArn(arn: string): SqsQueue | undefined {
    const parts = arn.split(':');
    if (parts[2] !== 'sqs' || parts.length !== 6) return undefined;
    return this.queues.get(parts[5]!);
  }

  /** Queues whose redrive policy sends to this one. */
  sourcesOf(deadLetterQueue: SqsQueue): SqsQueue[] {
    return this.allQueues().filter((q) => q.redrivePolicy?.deadLetterTargetArn === deadLetterQueue.arn);
  }

  async handle(operation: string, input: Input, headers?: Readonly<IncomingHttpHeaders>): Promise<Output> {
    this.requestCounts.set(operation, (this.requestCounts.get(operation) ?? 0) + 1);
    const handler = this.operations[operation];
    if (handler === undefined) return Promise.reject(unknownOperation(operation));
    return handler(input, headers ?? {});
  }

  private readonly operations: Record<string, (input: Input, headers: Readonly<IncomingHttpHeaders>) => Output | Promise<Output>> = {
    CreateQueue: (input) => ({ QueueUrl: this.createQueue(input['QueueName'], (input['Attributes'] as Input | undefined) ?? {}, input['tags']).url }),
    GetQueueUrl: (input) => {
      const owner = input['QueueOwnerAWSAccountId'];
      const queue = this.queueByName(requireString(input, 'QueueName'));
      if (owner !== undefined && owner !== this.options.accountId) throw SqsErrors.queueDoesNotExist();
      return { QueueUrl: queue.url };
    },
    ListQueues: (input) => this.listQueues(input),
    DeleteQueue: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      queue.destroy();
      this.queues.delete(queue.name);
      this.deletedAt.set(queue.name, this.options.clock.now());
      this.emit(queue);
      return {};
    },
    GetQueueAttributes: (input) => {
      const all = this.queueByUrl(input['QueueUrl']).allAttributes();
      const requested = input['AttributeNames'] ?? [];
      if (!Array.isArray(requested)) throw SqsErrors.invalidAttributeName(String(requested));
      for (const name of requested) if (typeof name !== 'string' || !QUEUE_ATTRIBUTE_NAMES.has(name)) throw SqsErrors.invalidAttributeName(String(name));
      const names = requested as string[];
      const picked = names.includes('All') ? all : Object.fromEntries(names.filter((name) => all[name] !== undefined).map((name) => [name, all[name]]));
      // No names, or only names the queue has no value for: AWS leaves Attributes out.
      return Object.keys(picked).length === 0 ? {} : { Attributes: picked };
    },
    SetQueueAttributes: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      const attributes = (input['Attributes'] as Input | undefined) ?? {};
      validateQueueAttributes(attributes, { creating: false, fifo: queue.fifo });
      this.checkRedriveTarget(attributes, queue);
      queue.setAttributes(attributes);
      return {};
    },
    SendMessage: (input, headers) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      const request = sendInput(input, false, httpTraceHeader(headers));
      return sendResult(queue.send(request), request, queue);
    },
    SendMessageBatch: (input, headers) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      const entries = batchEntries(input, 'SendMessageBatch');
      checkSendBatch(entries, queue);
      return perEntry(entries, (entry) => {
        const request = sendInput(entry, true, httpTraceHeader(headers));
        return { Id: entry['Id'], ...sendResult(queue.send(request), request, queue) };
      });
    },
    ReceiveMessage: async (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      const options = receiveOptions(input);
      const wait = options.waitSeconds ?? Number(queue.settableAttributes['ReceiveMessageWaitTimeSeconds'] ?? 0);
      return receiveResult(await queue.receive(options.max, options.visibilityTimeout, wait, options.attemptId), options);
    },
    DeleteMessage: (input) => {
      this.queueByUrl(input['QueueUrl']).delete(requireString(input, 'ReceiptHandle'), { failIfExpired: true });
      return {};
    },
    DeleteMessageBatch: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      return perEntry(batchEntries(input, 'DeleteMessageBatch'), (entry) => {
        queue.delete(requireString(entry, 'ReceiptHandle'), { failIfExpired: true });
        return { Id: entry['Id'] };
      });
    },
    ChangeMessageVisibility: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      queue.changeVisibility(requireString(input, 'ReceiptHandle'), requireNumber(input, 'VisibilityTimeout'));
      return {};
    },
    ChangeMessageVisibilityBatch: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      return perEntry(batchEntries(input, 'ChangeMessageVisibilityBatch'), (entry) => {
        queue.changeVisibility(requireString(entry, 'ReceiptHandle'), requireNumber(entry, 'VisibilityTimeout'));
        return { Id: entry['Id'] };
      });
    },
    PurgeQueue: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      const now = this.options.clock.now();
      const last = this.purgedAt.get(queue);
      if (last !== undefined && now - last < HOLD_MS) throw SqsErrors.purgeQueueInProgress(queue.name);
      this.purgedAt.set(queue, now);
      queue.purge();
      return {};
    },
    ListDeadLetterSourceQueues: (input) => {
      const sources = this.sourcesOf(this.queueByUrl(input['QueueUrl'])).map((q) => q.name);
      const { page, NextToken } = paginate(sources, input);
      return { queueUrls: page.map((name) => this.urlOf(name)), ...(NextToken === undefined ? {} : { NextToken }) };
    },
    StartMessageMoveTask: (input) => ({ TaskHandle: this.moveTasks.start(input) }),
    ListMessageMoveTasks: (input) => {
      const results = this.moveTasks.list(input);
      // AWS leaves out empty lists in SQS's JSON answers (Messages, Failed, QueueUrls).
      return results.length === 0 ? {} : { Results: results };
    },
    CancelMessageMoveTask: (input) => ({ ApproximateNumberOfMessagesMoved: this.moveTasks.cancel(input) }),
    TagQueue: (input) => (this.tags.tag(this.queueByUrl(input['QueueUrl']), input['Tags']), {}),
    UntagQueue: (input) => (this.tags.untag(this.queueByUrl(input['QueueUrl']), input['TagKeys']), {}),
    ListQueueTags: (input) => this.tags.list(this.queueByUrl(input['QueueUrl'])),
    AddPermission: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      queue.setAttributes({ Policy: addPermission(queue.settableAttributes['Policy'], input, queue.arn) });
      return {};
    },
    RemovePermission: (input) => {
      const queue = this.queueByUrl(input['QueueUrl']);
      queue.setAttributes({ Policy: removePermission(queue.settableAttributes['Policy'], input) });
      return {};
    },
  };

  /**
   * CreateQueue: the type is FIFO when `FifoQueue` is true (any case), and the name must fit the type;
   * an existing name answers its URL when every given attribute has the queue's current value
   * (QueueAlreadyExists naming the first that differs); a name deleted less than 60 s ago is held.
   */
  createQueue(rawName: unknown, attributes: Input, tags?: unknown): SqsQueue {
    const fifo = attributes !== null && typeof attributes === 'object' && String(attributes['FifoQueue']).toLowerCase() === 'true';
    validateQueueName(rawName, fifo);
    const given = validateQueueAttributes(attributes, { creating: true, fifo });
    this.checkRedriveTarget(attributes, { arn: this.arnOf(rawName), fifo });
    const existing = this.queues.get(rawName);
    if (existing !== undefined) {
      const current = existing.settableAttributes;
      const differing = Object.keys(given).find((name) => (given[name] === '' ? undefined : given[name]) !== current[name]);
      if (differing !== undefined) throw SqsErrors.queueNameExists(differing);
      return existing;
    }
    const deletedAt = this.deletedAt.get(rawName);
    if (deletedAt !== undefined && this.options.clock.now() - deletedAt < HOLD_MS) throw SqsErrors.queueDeletedRecently();
    this.deletedAt.delete(rawName);
    const queue = new SqsQueue(rawName, this.arnOf(rawName), this.urlOf(rawName), given, {
      clock: this.options.clock,
      deadLetter: (source, message, targetArn) => this.deadLetter(source, message, targetArn),
      changed: (q) => this.emit(q),
      ...(this.options.loseDelete === undefined ? {} : { loseDelete: this.options.loseDelete }),
      ...(this.options.observer === undefined ? {} : { observer: this.options.observer }),
    });
    try {
      this.tags.tag(queue, tags, 'tags');
    } catch (error) {
      queue.destroy();
      throw error;
    }
    this.queues.set(rawName, queue);
    return queue;
  }

  /** Sends a message in-process (EventBridge targets, move tasks); same validation as SendMessage. */
  send(queue: SqsQueue, input: SendInput): StoredMessage {
    return queue.send(input).message;
  }

  /**
   * A redrive policy (already validated) must name an existing queue of the source's type that lets
   * the source use it (API reference: the dead-letter queue of a FIFO queue must be a FIFO queue; the
   * target's RedriveAllowPolicy denyAll admits no source, byQueue only those listed); the error
   * quotes the policy as given.
   */
  private checkRedriveTarget(attributes: Input, source: { arn: string; fifo: boolean }): void {
    const text = attributes['RedrivePolicy'];
    if (typeof text !== 'string' || text === '') return;
    const target = this.findByArn(parseRedrivePolicy(text).deadLetterTargetArn);
    const invalid = (reason: string) => SqsErrors.invalidParameterValue(`Value ${text} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
    if (target === undefined) throw invalid('Dead letter target does not exist.');
    if (target.fifo !== source.fifo) throw invalid('Dead-letter queue type must match the source queue type.');
    const allow = target.settableAttributes['RedriveAllowPolicy'];
    if (allow === undefined) return;
    const { redrivePermission, sourceQueueArns } = parseRedriveAllowPolicy(allow);
    if (redrivePermission === 'denyAll' || (redrivePermission === 'byQueue' && !(sourceQueueArns ?? []).includes(source.arn))) {
      throw invalid(`Queue ${target.arn} does not allow ${source.arn} to use it as a dead-letter queue.`);
    }
  }

  private deadLetter(source: SqsQueue, message: StoredMessage, targetArn: string): boolean {
    const target = this.findByArn(targetArn);
    if (target === undefined) {
      process.emitWarning(`queue ${source.name}: dead-letter queue ${targetArn} does not exist; the message stays in its queue`);
      return false;
    }
    target.send({
      id: message.id,
      body: message.body,
      ...(message.attributes ? { attributes: message.attributes } : {}),
      ...(message.traceHeader ? { traceHeader: message.traceHeader } : {}),
      ...(message.groupId ? { groupId: message.groupId, dedupId: message.dedupId ?? message.id } : {}),
      deadLetterSourceArn: source.arn,
      receiveCount: message.receiveCount,
      sentAt: message.sentAt,
      senderId: message.senderId,
      delaySeconds: 0,
      moved: true,
    });
    return true;
  }

  /** ListQueues: AWS leaves QueueUrls out when no queue matches (test_list_queues). */
  private listQueues(input: Input): Output {
    const prefix = typeof input['QueueNamePrefix'] === 'string' ? input['QueueNamePrefix'] : '';
    const names = [...this.queues.keys()].filter((n) => n.startsWith(prefix)).sort();
    const { page, NextToken } = paginate(names, input);
    return { ...(page.length === 0 ? {} : { QueueUrls: page.map((n) => this.urlOf(n)) }), ...(NextToken === undefined ? {} : { NextToken }) };
  }

  private emit(queue: SqsQueue): void {
    for (const listener of this.listeners) listener(queue);
  }
}

/**
 * One page of sorted names, as ListQueues and ListDeadLetterSourceQueues page (API reference): up to
 * 1,000 without MaxResults; a NextToken (naming the page's last queue) only when MaxResults was given
 * and more remain.
 */
function paginate(names: readonly string[], input: Input): { page: string[]; NextToken?: string } {
  const max = optionalInteger(input, 'MaxResults', 1, 1000);
  const token = input['NextToken'];
  let start = 0;
  if (typeof token === 'string' && token !== '') {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    start = names.findIndex((name) => name > after);
    if (start < 0) start = names.length;
  }
  const page = names.slice(start, start + (max ?? 1000));
  const last = page[page.length - 1];
  if (max === undefined || last === undefined || start + max >= names.length) return { page };
  return { page, NextToken: Buffer.from(last).toString('base64url') };
}

function unknownOperation(operation: string) {
  return SqsErrors.unsupportedOperation(`The action ${operation} is not valid for this endpoint.`);
}

function requireString(input: Input, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') throw SqsErrors.missingParameter(name);
  return value;
}

function optionalInteger(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw SqsErrors.invalidParameterValue(`Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}, if provided.`);
  }
  return number;
}

/** A required number (VisibilityTimeout): missing is MissingParameter. */
function requireNumber(input: Input, name: string): number {
  const value = input[name];
  if (value === undefined || value === null) throw SqsErrors.missingParameter(name);
  return Number(value);
}
