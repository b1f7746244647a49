import { createHash, randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../clock';
import { SqsErrors } from './errors';
import { md5, md5OfMessageAttributes, validateBody, validateMessageAttributes, type MessageAttributes } from './message-attributes';
import { validateFifoId } from './message-ids';
import { ReadyOrder } from './ready-order';
import { defaultQueueAttributes, mergeQueueAttributes, parseRedrivePolicy, validateQueueAttributes, visibleQueueAttributes, type RedrivePolicy } from './queue-attributes';

export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes?: MessageAttributes;
  readonly md5OfAttributes?: string;
  readonly traceHeader?: string;
  /** Digest of the message system attributes (AWSTraceHeader) as sent. */
  readonly md5OfSystemAttributes?: string;
  readonly sentAt: number;
  readonly senderId: string;
  readonly groupId?: string;
  readonly dedupId?: string;
  readonly sequenceNumber?: string;
  /** Set when the message was moved here by a redrive policy. */
  deadLetterSourceArn?: string;
  receiveCount: number;
  firstReceiveAt?: number;
  /** When the receive that holds it in flight took it: its visibility may last 12 hours from then. */
  receivedAt?: number;
  /** A delayed message: when it becomes visible (kept across a restart by `--persist`). */
  delayedUntil?: number;
  state: 'delayed' | 'ready' | 'inflight' | 'deleted';
  /**
   * When the message last became visible, as a queue-wide counter: FIFO queues serve the message
   * group whose first message became visible earliest (a group returning from a visibility timeout
   * goes behind groups that waited).
   */
  availableSeq: number;
  /** Arrival order in this queue, breaking ties of `sentAt`. */
  readonly order: number;
  /** Bumped at every receive: a receipt handle is valid for one generation. */
  generation: number;
  timer?: Timer;
}

export interface SendInput {
  /** Kept when a message moves to a dead-letter queue. @default a new id */
  id?: string;
  body: unknown;
  delaySeconds?: number;
  attributes?: MessageAttributes;
  traceHeader?: string;
  groupId?: string;
  dedupId?: string;
  /** Carried over when a message is moved (redrive, move task). */
  deadLetterSourceArn?: string;
  /** A message moved by a redrive or a move task: not deduplicated, keeps what it was sent with. */
  moved?: boolean;
  /** Sent in a SendMessageBatch: a size error is worded as the batch words it. */
  inBatch?: boolean;
  senderId?: string;
  receiveCount?: number;
  sentAt?: number;
}

export interface SendResult {
  readonly message: StoredMessage;
  /** A FIFO send within the deduplication interval of an earlier one: nothing was enqueued. */
  readonly duplicate: boolean;
}

export interface Received {
  readonly message: StoredMessage;
  readonly receiptHandle: string;
}

interface Waiter {
  max: number;
  visibilityTimeout: number | undefined;
  resolve(received: Received[]): void;
  timer?: Timer;
}

const DEDUP_INTERVAL_MS = 5 * 60_000;
const SWEEP_INTERVAL_MS = 60_000;
const MAX_VISIBILITY_MS = 43_200_000;
const SEQUENCE_BASE = 18_000_000_000_000_000_000n;

/** What a queue asks of the service that owns it. */
export interface QueueHost {
  readonly clock: Clock;
  /**
   * Moves a message that exhausted `maxReceiveCount` to the dead-letter queue named by the ARN;
   * false when that queue does not exist, and the message stays where it is.
   */
  deadLetter(source: SqsQueue, message: StoredMessage, targetArn: string): boolean;
  /** Called whenever messages may have become available (for pollers and settling). */
  changed(queue: SqsQueue): void;
  /** Fault injection: lose this delete, so the message is received again after its visibility timeout. */
  loseDelete?(): boolean;
  /** Told what happens to messages (the flight recorder); off unless given. */
  readonly observer?: QueueObserver;
}

/** What an observer of a queue's messages is told; calls must be cheap and must not throw. */
export interface QueueObserver {
  sent(queue: SqsQueue, message: StoredMessage): void;
  received(queue: SqsQueue, message: StoredMessage): void;
  visibilityExpired(queue: SqsQueue, message: StoredMessage): void;
  deleted(queue: SqsQueue, message: StoredMessage): void;
  /** Moved to the dead-letter queue `deadLetterArn` by the redrive policy. */
  deadLettered(queue: SqsQueue, message: StoredMessage, deadLetterArn: string): void;
}

/**
 * One SQS queue: messages move delayed -> ready -> in flight -> deleted, or back to ready when their
 * visibility timeout expires; a receive that would take a message more than `maxReceiveCount` times
 * moves it to the dead-letter queue instead. Standard queues serve the oldest sent message first;
 * FIFO queues serve whole message groups in order (the messages behind one in flight wait) and
 * deduplicate sends within five minutes.
 */
export class SqsQueue {
  readonly fifo: boolean;
  readonly createdAt: number;
  lastModifiedAt: number;
  private attributes: Record<string, string>;
  private redrive: RedrivePolicy | undefined;
  private readonly messages = new Map<string, StoredMessage>();
  /** Standard queues: ready messages, oldest sent first (stale entries are skipped lazily). */
  private readonly ready = new ReadyOrder<StoredMessage>();
  private arrivals = 0;
  /** FIFO queues: each message group's live messages in sequence order. */
  private readonly groups = new Map<string, StoredMessage[]>();
  private availableCounter = 0;
  /** FIFO receives by ReceiveRequestAttemptId, for five minutes. */
  private readonly attempts = new Map<string, { received: Received[]; expiresAt: number }>();
  /**
   * DeduplicationScope messageGroup, as the queue was created: changing the attribute later does not
   * change how sends are deduplicated (test_fifo_change_to_high_throughput_after_creation,
   * test_fifo_change_to_regular_throughput_after_creation).
   */
  private readonly dedupPerGroup: boolean;
  private readonly dedup = new Map<string, { message: StoredMessage; expiresAt: number }>();
  private sequence = 0n;
  private readonly waiters: Waiter[] = [];
  private sweepTimer: Timer | undefined;
  private counts = { ready: 0, inflight: 0, delayed: 0 };
  deleted = false;

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly url: string,
    attributes: Record<string, unknown>,
    private readonly host: QueueHost,
  ) {
    this.fifo = name.endsWith('.fifo');
    const given = validateQueueAttributes(attributes, { creating: true, fifo: this.fifo });
    this.attributes = mergeQueueAttributes(defaultQueueAttributes(this.fifo), given);
    this.redrive = this.attributes['RedrivePolicy'] ? parseRedrivePolicy(this.attributes['RedrivePolicy']) : undefined;
    this.dedupPerGroup = this.attributes['DeduplicationScope'] === 'messageGroup';
    this.createdAt = this.lastModifiedAt = host.clock.now();
  }

  /** The attributes as given (for CreateQueue's "same attributes" check). */
  get settableAttributes(): Readonly<Record<string, string>> {
    return this.attributes;
  }

  get redrivePolicy(): RedrivePolicy | undefined {
    return this.redrive;
  }

  get visibilityTimeoutSeconds(): number {
    return Number(this.attributes['VisibilityTimeout']);
  }

  get approximate() {
    return { ...this.counts };
  }

  setAttributes(attributes: Record<string, unknown>): void {
    const given = validateQueueAttributes(attributes, { creating: false, fifo: this.fifo });
    this.attributes = mergeQueueAttributes(this.attributes, given);
    this.redrive = this.attributes['RedrivePolicy'] ? parseRedrivePolicy(this.attributes['RedrivePolicy']) : undefined;
    this.lastModifiedAt = this.host.clock.now();
  }

  /** Every attribute GetQueueAttributes can return, computed now. */
  allAttributes(): Record<string, string> {
    return {
      ...visibleQueueAttributes(this.attributes),
      QueueArn: this.arn,
      ApproximateNumberOfMessages: String(this.counts.ready),
      ApproximateNumberOfMessagesNotVisible: String(this.counts.inflight),
      ApproximateNumberOfMessagesDelayed: String(this.counts.delayed),
      CreatedTimestamp: String(Math.floor(this.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(this.lastModifiedAt / 1000)),
    };
  }

  send(input: SendInput): SendResult {
    const attributeBytes = validateMessageAttributes(input.attributes);
    const body = validateBody(input.body, Number(this.attributes['MaximumMessageSize']), attributeBytes, input.inBatch);
    const now = this.host.clock.now();
    let delaySeconds = input.delaySeconds ?? Number(this.attributes['DelaySeconds']);
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
      // AWS's wording, as quoted in aws-samples/amazon-sqs-dlq-replay-backoff#8.
      throw SqsErrors.invalidParameterValue(`Value ${String(input.delaySeconds)} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`);
    }
    if (input.groupId !== undefined) validateFifoId(input.groupId, 'MessageGroupId');
    if (input.dedupId !== undefined) validateFifoId(input.dedupId, 'MessageDeduplicationId');
    let dedupKey: string | undefined;
    let dedupId: string | undefined;
    if (this.fifo) {
      // A FIFO queue has no per-message delay: only 0 (the queue's delay applies) is accepted.
      if (input.delaySeconds !== undefined && input.delaySeconds !== 0 && !input.moved) {
        throw SqsErrors.invalidParameterValue(`Value ${input.delaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
      }
      if (!input.moved) delaySeconds = Number(this.attributes['DelaySeconds']);
      if (input.groupId === undefined) throw SqsErrors.missingParameter('MessageGroupId');
      dedupId = input.dedupId ?? (this.attributes['ContentBasedDeduplication'] === 'true' ? createHash('sha256').update(body).digest('hex') : undefined);
      if (dedupId === undefined) {
        throw SqsErrors.invalidParameterValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
      // DeduplicationScope messageGroup: the same id in two groups is two messages.
      dedupKey = this.dedupPerGroup ? `${input.groupId}\n${dedupId}` : dedupId;
      const seen = this.dedup.get(dedupKey);
      if (!input.moved && seen !== undefined && seen.expiresAt > now) return { message: seen.message, duplicate: true };
    } else if (input.dedupId !== undefined && !input.moved) {
      throw SqsErrors.invalidParameterValue('Value for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.');
    }

    const systemAttributes = input.traceHeader === undefined ? undefined : { AWSTraceHeader: { DataType: 'String', StringValue: input.traceHeader } };
    const message: StoredMessage = {
      id: input.id ?? randomUUID(),
      body,
      md5OfBody: md5(body),
      ...(input.attributes && Object.keys(input.attributes).length > 0 ? { attributes: input.attributes, md5OfAttributes: md5OfMessageAttributes(input.attributes) } : {}),
      ...(input.traceHeader === undefined ? {} : { traceHeader: input.traceHeader, md5OfSystemAttributes: md5OfMessageAttributes(systemAttributes) }),
      sentAt: input.sentAt ?? now,
      senderId: input.senderId ?? 'AIDAIENQZJOLO23YVJ4VO',
      // Standard queues keep a message group id too (fair queues); only FIFO queues number messages.
      ...(input.groupId === undefined ? {} : { groupId: input.groupId }),
      // 20 digits like AWS's, rising with every message (padding a counter would not keep its order).
      ...(this.fifo ? { dedupId, sequenceNumber: String(SEQUENCE_BASE + ++this.sequence) } : {}),
      ...(input.deadLetterSourceArn === undefined ? {} : { deadLetterSourceArn: input.deadLetterSourceArn }),
      receiveCount: input.receiveCount ?? 0,
      state: 'delayed',
      availableSeq: 0,
      order: ++this.arrivals,
      generation: 0,
    };
    if (dedupKey !== undefined) {
      if (this.dedup.size > 10_000) this.pruneDedup(now);
      this.dedup.set(dedupKey, { message, expiresAt: now + DEDUP_INTERVAL_MS });
    }
    this.messages.set(message.id, message);
    this.host.observer?.sent(this, message);
    if (this.fifo) {
      const group = this.groups.get(message.groupId!);
      if (group === undefined) this.groups.set(message.groupId!, [message]);
      else group.push(message);
    }
    this.counts.delayed++;
    if (delaySeconds > 0) {
      message.delayedUntil = now + delaySeconds * 1000;
      message.timer = this.host.clock.after(delaySeconds * 1000, () => this.makeReady(message));
    } else {
      this.makeReady(message);
    }
    this.armSweep();
    return { message, duplicate: false };
  }

  /**
   * Receives up to `max` messages. With `waitSeconds` > 0 and nothing available, waits (on the
   * clock) until a message arrives or the wait ends: long polling that answers as soon as it can.
   */
  receive(max: number, visibilityTimeout: number | undefined, waitSeconds: number, attemptId?: string): Promise<Received[]> {
    if (attemptId !== undefined && this.fifo) return this.receiveAttempt(attemptId, max, visibilityTimeout, waitSeconds);
    const now = this.take(max, visibilityTimeout);
    if (now.length > 0 || waitSeconds <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter: Waiter = { max, visibilityTimeout, resolve };
      // An in-process poller may wait without a deadline: nothing is scheduled until a message comes.
      if (Number.isFinite(waitSeconds)) {
        waiter.timer = this.host.clock.after(waitSeconds * 1000, () => {
          this.removeWaiter(waiter);
          resolve([]);
        });
      }
      this.waiters.push(waiter);
    });
  }

  /**
   * A FIFO receive with a ReceiveRequestAttemptId: retried within five minutes while none of its
   * messages was deleted or changed visibility, it answers the same messages and receipt handles, and
   * their visibility timeout starts again (ReceiveMessage API reference).
   */
  private async receiveAttempt(attemptId: string, max: number, visibilityTimeout: number | undefined, waitSeconds: number): Promise<Received[]> {
    const now = this.host.clock.now();
    for (const [id, attempt] of this.attempts) if (attempt.expiresAt <= now) this.attempts.delete(id);
    const earlier = this.attempts.get(attemptId);
    if (earlier !== undefined && earlier.received.every(({ message, receiptHandle }) => this.holds(message, receiptHandle))) {
      const timeout = visibilityTimeout ?? this.visibilityTimeoutSeconds;
      for (const { message } of earlier.received) {
        message.timer?.cancel();
        if (timeout === 0) this.expireVisibility(message);
        else message.timer = this.host.clock.after(timeout * 1000, () => this.expireVisibility(message));
      }
      return earlier.received;
    }
    const received = await this.receive(max, visibilityTimeout, waitSeconds);
    this.attempts.set(attemptId, { received, expiresAt: this.host.clock.now() + DEDUP_INTERVAL_MS });
    return received;
  }

  /** Abandons a long poll whose client went away. */
  cancelWaits(resolveWith: Received[] = []): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter.timer?.cancel();
      waiter.resolve(resolveWith);
    }
  }

  /** Every message the queue holds, in arrival order (read-only: `--persist` saves them). */
  storedMessages(): readonly StoredMessage[] {
    return [...this.messages.values()];
  }

  /** Long polls waiting for a message. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Receives what is available now, without waiting. */
  take(max: number, visibilityTimeout?: number): Received[] {
    const out: Received[] = [];
    const timeout = visibilityTimeout ?? this.visibilityTimeoutSeconds;
    const now = this.host.clock.now();
    // A message past its retention period is never received, though the periodic sweep may not have
    // removed it yet (test_message_retention); one received too often goes to the dead-letter queue.
    let removed = false;
    const pick = (message: StoredMessage) => {
      if (this.expired(message, now) || this.redriven(message)) {
        this.remove(message, true);
        removed = true;
      } else out.push(this.markInflight(message, timeout));
    };
    if (this.fifo) {
      // A group is available when its first message is visible; the group whose first message became
      // visible earliest is served first, as many of its messages in order as are visible, up to the
      // first one still in flight (later ones wait behind it). Then the next group.
      const available: StoredMessage[][] = [];
      for (const group of this.groups.values()) if (group[0]?.state === 'ready') available.push(group);
      available.sort((a, b) => a[0]!.availableSeq - b[0]!.availableSeq);
      for (const group of available) {
        for (const message of [...group]) {
          if (out.length >= max || message.state !== 'ready') break;
          pick(message);
        }
        if (out.length >= max) break;
      }
    } else {
      while (out.length < max) {
        const message = this.ready.pop();
        if (message === undefined) break;
        if (message.state === 'ready') pick(message);
      }
    }
    // A visibility timeout of 0 counts as a receive but leaves the message visible at once.
    if (timeout === 0) for (const { message } of out) this.expireVisibility(message);
    if (removed) this.host.changed(this);
    return out;
  }

  /**
   * Deletes the message a receipt handle names; a deleted message's handle succeeds again. On a
   * standard queue any handle of the message deletes it, even after its visibility timeout
   * (test_delete_after_visibility_timeout, test_remove_message_with_old_receipt_handle). On a FIFO
   * queue only the handle of the receive that holds it in flight does: an older one has expired, and
   * `failIfExpired` (the API) makes that an error (test_fifo_delete_after_visibility_timeout).
   */
  delete(receiptHandle: string, options: { failIfExpired?: boolean } = {}): void {
    const message = this.fromHandle(receiptHandle);
    if (message === undefined || message.state === 'deleted') return;
    if (this.fifo && !this.holds(message, receiptHandle)) {
      if (options.failIfExpired) throw SqsErrors.receiptHandleExpired(receiptHandle);
      return;
    }
    if (this.host.loseDelete?.()) return;
    this.remove(message);
    this.host.observer?.deleted(this, message);
  }

  /**
   * Changes the visibility timeout of a message in flight, counted from now; 0 makes it visible at
   * once. On a standard queue any handle of the message will do (an earlier receive's handle
   * terminated a later receive's timeout: test_terminate_visibility_timeout_after_receive), and a
   * message already visible again is left as it is, with success
   * (test_change_message_visibility_after_visibility_timeout_expiration). A deleted message cannot
   * change (test_change_visibility_on_deleted_message_raises_invalid_parameter_value).
   */
  changeVisibility(receiptHandle: string, visibilityTimeout: number): void {
    if (!Number.isInteger(visibilityTimeout) || visibilityTimeout < 0 || visibilityTimeout > 43_200) {
      throw SqsErrors.invalidParameterValue(`Value ${visibilityTimeout} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.`);
    }
    const message = this.fromHandle(receiptHandle);
    if (message === undefined || message.state === 'deleted') throw SqsErrors.messageNotAvailableForVisibilityChange(receiptHandle);
    if (this.fifo && !this.holds(message, receiptHandle)) throw SqsErrors.receiptHandleExpired(receiptHandle);
    if (message.state !== 'inflight') return;
    // Extending never reaches past 12 hours from the receive (Developer Guide, visibility timeout).
    if (this.host.clock.now() - (message.receivedAt ?? 0) + visibilityTimeout * 1000 > MAX_VISIBILITY_MS) {
      throw SqsErrors.invalidParameterValue(
        `Value ${visibilityTimeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]`,
      );
    }
    message.timer?.cancel();
    if (visibilityTimeout === 0) this.expireVisibility(message);
    else message.timer = this.host.clock.after(visibilityTimeout * 1000, () => this.expireVisibility(message));
  }

  /** Whether this handle is the one of the receive that holds the message in flight now. */
  private holds(message: StoredMessage, receiptHandle: string): boolean {
    return message.state === 'inflight' && message.generation === handleGeneration(receiptHandle);
  }

  purge(): void {
    for (const message of [...this.messages.values()]) this.remove(message);
    this.ready.clear();
    // A purge forgets sent deduplication ids too (test_purge_queue_clears_fifo_deduplication_cache).
    this.dedup.clear();
  }

  /** Takes every ready message out (a move task). */
  drainReady(limit: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (const message of this.messages.values()) {
      if (out.length >= limit) break;
      if (message.state === 'ready') out.push(message);
    }
    for (const message of out) this.remove(message);
    return out;
  }

  destroy(): void {
    this.deleted = true;
    this.cancelWaits();
    for (const message of this.messages.values()) message.timer?.cancel();
    this.messages.clear();
    this.sweepTimer?.cancel();
  }

  private markInflight(message: StoredMessage, visibilityTimeout: number): Received {
    const now = this.host.clock.now();
    this.counts.ready--;
    this.counts.inflight++;
    message.state = 'inflight';
    message.receiveCount++;
    message.generation++;
    message.firstReceiveAt ??= now;
    message.receivedAt = now;
    this.host.observer?.received(this, message);
    if (visibilityTimeout > 0) message.timer = this.host.clock.after(visibilityTimeout * 1000, () => this.expireVisibility(message));
    return { message, receiptHandle: encodeHandle(this.name, message) };
  }

  private expireVisibility(message: StoredMessage): void {
    if (message.state !== 'inflight') return;
    this.host.observer?.visibilityExpired(this, message);
    this.counts.inflight--;
    this.counts.ready++;
    message.state = 'ready';
    message.availableSeq = ++this.availableCounter;
    if (!this.fifo) this.ready.push(message);
    this.notify();
  }

  private makeReady(message: StoredMessage): void {
    if (message.state !== 'delayed') return;
    this.counts.delayed--;
    this.counts.ready++;
    message.state = 'ready';
    message.availableSeq = ++this.availableCounter;
    message.timer = undefined;
    if (!this.fifo) this.ready.push(message);
    this.notify();
  }

  /** Deletes a message; `quietly` (within a receive) tells no one, as the receive's answer will. */
  private remove(message: StoredMessage, quietly = false): void {
    if (message.state === 'deleted') return;
    if (message.state === 'inflight') {
      this.counts.inflight--;
    } else if (message.state === 'ready') this.counts.ready--;
    else this.counts.delayed--;
    message.state = 'deleted';
    message.timer?.cancel();
    this.messages.delete(message.id);
    if (this.fifo) this.leaveGroup(message);
    if (quietly) return;
    if (this.fifo) this.notify();
    else this.host.changed(this);
  }

  /**
   * A message already received maxReceiveCount times goes to the dead-letter queue when a receive
   * would take it once more, instead of being received (SQS Developer Guide, dead-letter queues:
   * test_dead_letter_queue_message_attributes received each message once, the next receives moved
   * them). True when it was moved; a missing DLQ leaves it where it is.
   */
  private redriven(message: StoredMessage): boolean {
    const policy = this.redrive;
    const moved = policy !== undefined && message.receiveCount >= policy.maxReceiveCount && this.host.deadLetter(this, message, policy.deadLetterTargetArn);
    if (moved) this.host.observer?.deadLettered(this, message, policy.deadLetterTargetArn);
    return moved;
  }

  /** Past the queue's MessageRetentionPeriod, counted from when the message was first sent. */
  private expired(message: StoredMessage, now: number): boolean {
    return message.sentAt + Number(this.attributes['MessageRetentionPeriod']) * 1000 <= now;
  }

  /** Takes a message out of its FIFO group; an emptied group is forgotten. */
  private leaveGroup(message: StoredMessage): void {
    const group = this.groups.get(message.groupId!);
    if (group === undefined) return;
    const index = group.indexOf(message);
    if (index >= 0) group.splice(index, 1);
    if (group.length === 0) this.groups.delete(message.groupId!);
  }

  /** Set while `notify` serves long polls. */
  private notifying = false;

  /**
   * Serves waiting long polls, then tells the host. A long poll with a visibility timeout of 0 makes
   * what it takes visible again at once, which notifies again: that inner call returns, and the
   * running loop serves the next waiter (calling in, it recursed on the same waiter without end).
   */
  private notify(): void {
    if (this.notifying) return;
    this.notifying = true;
    try {
      while (this.waiters.length > 0) {
        const waiter = this.waiters[0]!;
        const got = this.take(waiter.max, waiter.visibilityTimeout);
        if (got.length === 0) break;
        this.waiters.shift();
        waiter.timer?.cancel();
        waiter.resolve(got);
      }
    } finally {
      this.notifying = false;
    }
    this.host.changed(this);
  }

  private removeWaiter(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  private fromHandle(receiptHandle: string): StoredMessage | undefined {
    const decoded = decodeHandle(receiptHandle);
    if (decoded === undefined) throw SqsErrors.receiptHandleIsInvalid(receiptHandle);
    if (decoded.queue !== this.name) throw SqsErrors.receiptHandleOfOtherQueue(receiptHandle);
    return this.messages.get(decoded.id);
  }

  /** Drops messages older than the retention period; runs on the clock while the queue holds any. */
  private armSweep(): void {
    if (this.sweepTimer !== undefined || this.deleted) return;
    this.sweepTimer = this.host.clock.after(SWEEP_INTERVAL_MS, () => {
      this.sweepTimer = undefined;
      const now = this.host.clock.now();
      for (const message of [...this.messages.values()]) if (this.expired(message, now)) this.remove(message);
      this.pruneDedup(this.host.clock.now());
      if (this.messages.size > 0) this.armSweep();
    });
  }

  private pruneDedup(now: number): void {
    for (const [id, entry] of this.dedup) if (entry.expiresAt <= now) this.dedup.delete(id);
  }
}

/** A receipt handle names the queue, the message and the receive it came from. */
function encodeHandle(queue: string, message: StoredMessage): string {
  return Buffer.from(`${queue}\n${message.id}\n${message.generation}`).toString('base64url');
}

function decodeHandle(handle: string): { queue: string; id: string; generation: number } | undefined {
  const parts = Buffer.from(handle, 'base64url').toString('utf8').split('\n');
  if (parts.length !== 3 || !/^\d+$/.test(parts[2]!)) return undefined;
  return { queue: parts[0]!, id: parts[1]!, generation: Number(parts[2]) };
}

function handleGeneration(handle: string): number {
  return decodeHandle(handle)?.generation ?? -1;
}
