import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../clock';
import type { Received, SqsQueue } from '../sqs/queue';
import type { SqsService } from '../sqs/sqs-service';
import { failedMessageIds } from './batch-response';
import type { LambdaService, LocalFunction } from './lambda-service';
import { sqsEvent } from './sqs-event';

export interface EventSourceMappingConfig {
  readonly queue: SqsQueue;
  readonly fn: LocalFunction;
  /** @default 10 */
  readonly batchSize: number;
  /** @default 0 */
  readonly batchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  /** @default 1000 (Lambda's), capped by the local cloud */
  readonly maximumConcurrency: number;
  readonly enabled: boolean;
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
  readonly uuid = randomUUID();
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
  ) {}

  start(): void {
    if (!this.config.enabled || this.running) return;
    this.running = true;
    this.addPoller();
  }

  stop(): void {
    this.running = false;
    this.config.queue.cancelWaits();
  }

  private addPoller(): void {
    if (!this.running || this.pollers >= this.config.maximumConcurrency) return;
    this.pollers++;
    void this.poll().finally(() => this.pollers--);
  }

  private async poll(): Promise<void> {
    const { queue, batchSize } = this.config;
    while (this.running && !queue.deleted) {
      // Waits on the queue itself: resolved by the next message, with no timer and no spinning.
      const first = await queue.receive(batchSize, undefined, Infinity);
      if (!this.running || first.length === 0) continue;
      this.busy++;
      try {
        const batch = await this.fillWindow(first);
        this.metrics.receiveRequests++;
        if (batch.length === batchSize && queue.approximate.ready > 0) this.addPoller();
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

  private async process(batch: Received[]): Promise<void> {
    const { queue, fn, reportBatchItemFailures } = this.config;
    const event = sqsEvent(
      batch.map(({ message, receiptHandle }) => ({
        messageId: message.id,
        body: message.body,
        receiptHandle,
        receiveCount: message.receiveCount,
        sentTimestamp: message.sentAt,
        ...(message.firstReceiveAt === undefined ? {} : { firstReceiveTimestamp: message.firstReceiveAt }),
      })),
      queue.arn,
      this.deps.region,
    );
    const outcome = await this.deps.lambda.invoke(fn, event);
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
