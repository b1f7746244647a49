import type { MessageAttributes } from '../sqs/message-attributes';
import type { SqsQueue, StoredMessage } from '../sqs/queue';
import type { SqsService } from '../sqs/sqs-service';

/** One message as saved: what it was sent with, how often it was received, and a delay still to run. */
export interface MessageState {
  readonly id: string;
  readonly body: string;
  readonly attributes?: MessageAttributes;
  readonly traceHeader?: string;
  readonly sentAt: number;
  readonly senderId: string;
  readonly groupId?: string;
  readonly dedupId?: string;
  readonly deadLetterSourceArn?: string;
  readonly receiveCount: number;
  /** A delayed message: when it becomes visible (the cloud's clock). */
  readonly delayedUntil?: number;
}

export interface QueueState {
  readonly name: string;
  /** The attributes as set (CreateQueue's and SetQueueAttributes'), to create a queue the app does not. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly messages: readonly MessageState[];
}

/** Every queue with its messages (deleted ones are gone from the queue already). */
export async function exportQueues(sqs: SqsService): Promise<QueueState[]> {
  const queues: QueueState[] = [];
  for (const queue of sqs.allQueues()) {
    const { Tags } = (await sqs.handle('ListQueueTags', { QueueUrl: queue.url })) as { Tags?: Record<string, string> };
    queues.push({ name: queue.name, attributes: { ...queue.settableAttributes }, tags: Tags ?? {}, messages: queue.storedMessages().map(messageState) });
  }
  return queues;
}

function messageState(message: StoredMessage): MessageState {
  return {
    id: message.id,
    body: message.body,
    ...(message.attributes === undefined ? {} : { attributes: message.attributes }),
    ...(message.traceHeader === undefined ? {} : { traceHeader: message.traceHeader }),
    sentAt: message.sentAt,
    senderId: message.senderId,
    ...(message.groupId === undefined ? {} : { groupId: message.groupId }),
    ...(message.dedupId === undefined ? {} : { dedupId: message.dedupId }),
    ...(message.deadLetterSourceArn === undefined ? {} : { deadLetterSourceArn: message.deadLetterSourceArn }),
    receiveCount: message.receiveCount,
    ...(message.state === 'delayed' && message.delayedUntil !== undefined ? { delayedUntil: message.delayedUntil } : {}),
  };
}

export interface QueueImport {
  /** Queues created again (those the deployed app did not create: made through the API). */
  readonly created: number;
  readonly messages: number;
  /** Queues that could not be created again, with SQS's reason; their messages are not restored. */
  readonly failed: ReadonlyArray<{ queue: string; reason: string }>;
}

/**
 * Puts saved messages back. Queues the deployed app created keep the app's attributes; others are
 * created again with theirs (redrive policies last, once every dead-letter queue exists). Each message
 * keeps its id, body, attributes, send time and receive count (so the redrive policy still counts the
 * receives it had). A message that was in flight when the cloud stopped is visible at once: its
 * receiver is gone with the old process and can no longer delete it, and SQS too makes a message
 * visible again once its visibility timeout passes without a delete; the time that timeout had left
 * is not waited out again. A delayed message keeps what was left of its delay.
 */
export function importQueues(sqs: SqsService, saved: readonly QueueState[], now: number): QueueImport {
  const failed: Array<{ queue: string; reason: string }> = [];
  const byName = new Map(sqs.allQueues().map((queue) => [queue.name, queue]));
  const created: Array<{ queue: SqsQueue; redrive?: string }> = [];
  for (const state of saved) {
    if (byName.has(state.name)) continue;
    const { RedrivePolicy: redrive, ...attributes } = state.attributes;
    try {
      const queue = sqs.createQueue(state.name, attributes, state.tags);
      byName.set(state.name, queue);
      created.push({ queue, ...(redrive === undefined || redrive === '' ? {} : { redrive }) });
    } catch (error) {
      failed.push({ queue: state.name, reason: (error as Error).message });
    }
  }
  for (const { queue, redrive } of created) {
    if (redrive === undefined) continue;
    try {
      queue.setAttributes({ RedrivePolicy: redrive });
    } catch (error) {
      failed.push({ queue: queue.name, reason: `its redrive policy: ${(error as Error).message}` });
    }
  }
  let messages = 0;
  for (const state of saved) {
    const queue = byName.get(state.name);
    if (queue === undefined) continue;
    for (const message of state.messages) {
      try {
        queue.send({
          id: message.id,
          body: message.body,
          ...(message.attributes === undefined ? {} : { attributes: message.attributes }),
          ...(message.traceHeader === undefined ? {} : { traceHeader: message.traceHeader }),
          ...(message.groupId === undefined ? {} : { groupId: message.groupId, dedupId: message.dedupId ?? message.id }),
          ...(message.deadLetterSourceArn === undefined ? {} : { deadLetterSourceArn: message.deadLetterSourceArn }),
          sentAt: message.sentAt,
          senderId: message.senderId,
          receiveCount: message.receiveCount,
          delaySeconds: message.delayedUntil === undefined ? 0 : Math.min(900, Math.max(0, Math.ceil((message.delayedUntil - now) / 1000))),
          // Not deduplicated, not checked against the queue's type rules: it is the same message coming back.
          moved: true,
        });
        messages++;
      } catch (error) {
        failed.push({ queue: state.name, reason: `message ${message.id}: ${(error as Error).message}` });
      }
    }
  }
  return { created: created.length, messages, failed };
}
