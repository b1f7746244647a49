import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../clock';
import type { Received, SqsQueue } from '../sqs/queue';
import type { SqsService } from '../sqs/sqs-service';
import { failedMessageIds } from './batch-response';
import type { LambdaService, LocalFunction } from './lambda-service';
import { sqsEvent, type SqsRecordInput } from './sqs-event';

/** A mapping's settings; UpdateEventSourceMapping changes them in place (pollers read them per batch). */
export interface EventSourceMappingConfig {
  readonly queue: SqsQueue;
  fn: LocalFunction;
  /** @default 10 */
  batchSize: number;
  /** @default 0 */
  batchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** @default 1000 (Lambda's), capped by the local cloud */
  maximumConcurrency: number;
  enabled: boolean;
  /**
   * FilterCriteria: whether a record is handed to the function. Records it rejects are deleted
   * from the queue unprocessed, as Lambda drops filtered-out SQS messages. @default every record
   */
  filter?: (record: unknown) => boolean;
}

export interface MappingMetrics {
  batches: number;
  messages: number;
  failedMessages: number;
  /** ReceiveMessage calls that returned messages (idle long polls are not counted: they cost nothing here). */
  receiveRequests: number;
  deleteRequests: number;
}

/**
 * An SQS event source mapping, polled as Lambda polls: pollers long-poll the queue (waiting on it,
 * never spinning), gather up to `batchSize` messages within the batching window, invoke the
 * function, delete the messages of a successful batch, and leave failed ones (all of them, or those
 * a partial batch response lists) to return after the visibility timeout, so the queue's redrive
 * policy moves poison messages to the DLQ. Pollers scale up to the maximum concurrency while
 * batches come back full.
 */
export class SqsEventSourceMapping {
  readonly metrics: MappingMetrics = { batches: 0, messages: 0, failedMessages: 0, receiveRequests: 0, deleteRequests: 0 };
  private pollers = 0;
  /** Pollers between taking messages and finishing their batch. */
  busy = 0;
  /** Of those, pollers only waiting for their batching window to close (a timer, not work). */
  collecting = 0;
  private running = false;

  constructor(
    readonly config: EventSourceMappingConfig,
    private readonly deps: { clock: Clock; sqs: SqsService; lambda: LambdaService; region: string; changed: () => void },
    readonly uuid: string = randomUUID(),
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (!this.config.enabled || this.running) return;
    this.running = true;
    this.addPoller();
  }

  stop(): void {
    this.running = false;
    for (const wake of [...this.wakeups]) wake();
  }

  /** Pollers waiting for messages, woken (with none) when the mapping stops. */
  private readonly wakeups = new Set<() => void>();

  /**
   * The next messages, up to the batch size: what is available now, or else whatever comes next.
   * The queue is read once the moment's changes are done, so messages that become visible together
   * (a failed batch whose visibility timeout ended) come back together, as one ReceiveMessage of
   * Lambda's pollers would return them. Waits on the queue's changes: no timer, no spinning.
   */
  private nextMessages(): Promise<Received[]> {
    const { queue } = this.config;
    return new Promise((resolve) => {
      let scheduled = false;
      const finish = (received: Received[]) => {
        unsubscribe();
        this.wakeups.delete(wake);
        resolve(received);
      };
      const wake = () => finish([]);
      const attempt = () => {
        scheduled = false;
        if (!this.running || queue.deleted) return finish([]);
        const received = queue.take(this.config.batchSize);
        if (received.length > 0) finish(received);
      };
      const unsubscribe = this.deps.sqs.onChange((changed) => {
        if (changed !== queue || scheduled) return;
        scheduled = true;
        queueMicrotask(attempt);
      });
      this.wakeups.add(wake);
      attempt();
    });
  }

  private addPoller(): void {
    if (!this.running || this.pollers >= this.config.maximumConcurrency) return;
    this.pollers++;
    void this.poll().finally(() => this.pollers--);
  }

  private async poll(): Promise<void> {
    const { queue } = this.config;
    while (this.running && !queue.deleted) {
      const first = await this.nextMessages();
      if (first.length === 0) continue;
      if (!this.running) {
        // Stopped while waiting: what it was handed goes back, visible again, unprocessed.
        for (const { receiptHandle } of first) queue.changeVisibility(receiptHandle, 0);
        continue;
      }
      this.busy++;
      try {
        const batch = await this.fillWindow(first);
        this.metrics.receiveRequests++;
        if (batch.length === this.config.batchSize && queue.approximate.ready > 0) this.addPoller();
        await this.process(batch);
      } finally {
        this.busy--;
        this.deps.changed();
      }
    }
  }

  /** Keeps gathering messages until the batch is full or the batching window closes. */
  private fillWindow(batch: Received[]): Promise<Received[]> {
    const { queue, batchSize, batchingWindowSeconds } = this.config;
    if (batchingWindowSeconds <= 0 || batch.length >= batchSize) return Promise.resolve(batch);
    this.collecting++;
    return new Promise((resolve) => {
      let timer: Timer | undefined;
      let open = true;
      const done = () => {
        if (!open) return;
        open = false;
        this.collecting--;
        timer?.cancel();
        unsubscribe();
        resolve(batch);
      };
      const top = () => {
        batch.push(...queue.take(batchSize - batch.length));
        if (batch.length >= batchSize) done();
      };
      const unsubscribe = this.deps.sqs.onChange((changed) => {
        if (changed === queue) top();
      });
      timer = this.deps.clock.after(batchingWindowSeconds * 1000, done);
      top();
    });
  }

  private async process(received: Received[]): Promise<void> {
    const { queue, fn, reportBatchItemFailures, filter } = this.config;
    const records = sqsEvent(received.map(recordInput), queue.arn, this.deps.region).Records;
    // Filtered-out messages are deleted without invoking the function.
    const batch = filter === undefined ? received : received.filter((_r, i) => filter(records[i]));
    const event = { Records: filter === undefined ? records : records.filter((record) => filter(record)) };
    for (const { receiptHandle } of received.filter((r) => !batch.includes(r))) queue.delete(receiptHandle);
    if (batch.length === 0) return;
    // A function deleted under its mapping fails every batch, which then returns after the visibility timeout.
    const outcome = this.deps.lambda.exists(fn)
      ? await this.deps.lambda.invoke(fn, event, { batch: { mapping: this.uuid, source: queue.name, ids: batch.map((r) => r.message.id) } })
      : { ok: false as const, error: { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${fn.arn}` } };
    this.metrics.batches++;
    this.metrics.messages += batch.length;
    // A function error fails the whole batch: nothing is deleted, everything returns after the visibility timeout.
    const failed = outcome.ok ? failedMessageIds(outcome.result, batch.map((r) => r.message.id), reportBatchItemFailures) : ({ all: true } as const);
    const toDelete = failed.all ? [] : batch.filter((r) => !failed.ids.has(r.message.id));
    this.metrics.failedMessages += batch.length - toDelete.length;
    if (toDelete.length > 0) this.metrics.deleteRequests++;
    for (const { receiptHandle } of toDelete) queue.delete(receiptHandle);
  }
}

/** What the SQS event says of a received message. */
function recordInput({ message, receiptHandle }: Received): SqsRecordInput {
  return {
    messageId: message.id,
    body: message.body,
    receiptHandle,
    receiveCount: message.receiveCount,
    sentTimestamp: message.sentAt,
    senderId: message.senderId,
    ...(message.firstReceiveAt === undefined ? {} : { firstReceiveTimestamp: message.firstReceiveAt }),
    ...(message.attributes === undefined || Object.keys(message.attributes).length === 0 ? {} : { messageAttributes: message.attributes }),
    ...(message.md5OfAttributes === undefined ? {} : { md5OfMessageAttributes: message.md5OfAttributes }),
    ...(message.traceHeader === undefined ? {} : { traceHeader: message.traceHeader }),
    ...(message.groupId === undefined ? {} : { groupId: message.groupId }),
    ...(message.dedupId === undefined ? {} : { dedupId: message.dedupId }),
    ...(message.sequenceNumber === undefined ? {} : { sequenceNumber: message.sequenceNumber }),
    ...(message.deadLetterSourceArn === undefined ? {} : { deadLetterSourceArn: message.deadLetterSourceArn }),
  };
}
