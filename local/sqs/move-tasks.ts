import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../clock';
import { SqsErrors } from './errors';
import type { SendInput, SqsQueue, StoredMessage } from './queue';
import type { SqsService } from './sqs-service';

interface MoveTask {
  readonly id: string;
  readonly handle: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly rate?: number;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  moved: number;
  readonly toMove: number;
  readonly startedAt: number;
  failureReason?: string;
  timer?: Timer;
}

/** A task's FailureReason is the error code of what failed it (test_move_task_delete_destination_queue_while_running). */
const NON_EXISTENT_QUEUE = 'AWS.SimpleQueueService.NonExistentQueue';

/** Messages moved per step when no rate is given ("system optimized" in SQS). */
const UNLIMITED_STEP = 500;

/**
 * SQS message move tasks: move the messages of a dead-letter queue back to the queues they came
 * from (their `DeadLetterQueueSourceArn`) or to a given destination, optionally rate limited.
 */
export class MoveTasks {
  private readonly tasks: MoveTask[] = [];

  constructor(
    private readonly sqs: SqsService,
    private readonly clock: Clock,
  ) {}

  /** Tasks still moving messages (for settling). */
  get active(): number {
    return this.tasks.filter((t) => t.status === 'RUNNING' || t.status === 'CANCELLING').length;
  }

  start(input: Record<string, unknown>): string {
    const source = this.existing(input['SourceArn'], 'SourceArn');
    if (this.sqs.sourcesOf(source).length === 0) {
      throw SqsErrors.invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
    }
    const destinationArn = typeof input['DestinationArn'] === 'string' ? input['DestinationArn'] : undefined;
    if (destinationArn !== undefined) this.existing(destinationArn, 'DestinationArn');
    const rate = input['MaxNumberOfMessagesPerSecond'] === undefined ? undefined : Number(input['MaxNumberOfMessagesPerSecond']);
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
      throw SqsErrors.invalidParameterValue(`Value ${String(input['MaxNumberOfMessagesPerSecond'])} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: must be between 1 and 500.`);
    }
    if (this.tasks.some((t) => t.sourceArn === source.arn && (t.status === 'RUNNING' || t.status === 'CANCELLING'))) {
      throw SqsErrors.invalidParameterValue('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    const id = randomUUID();
    const task: MoveTask = {
      id,
      handle: Buffer.from(JSON.stringify({ taskId: id, sourceArn: source.arn })).toString('base64'),
      sourceArn: source.arn,
      ...(destinationArn === undefined ? {} : { destinationArn }),
      ...(rate === undefined ? {} : { rate }),
      status: 'RUNNING',
      moved: 0,
      toMove: source.approximate.ready,
      startedAt: this.clock.now(),
    };
    this.tasks.push(task);
    this.schedule(task, 0);
    return task.handle;
  }

  list(input: Record<string, unknown>): Array<Record<string, unknown>> {
    const source = this.existing(input['SourceArn'], 'SourceArn');
    const max = input['MaxResults'] === undefined ? 1 : Number(input['MaxResults']);
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw SqsErrors.invalidParameterValue(`Value ${String(input['MaxResults'])} for parameter MaxResults is invalid. Reason: must be between 1 and 10.`);
    }
    return this.tasks
      .filter((t) => t.sourceArn === source.arn)
      .reverse()
      .slice(0, max)
      .map((t) => ({
        ...(t.status === 'RUNNING' ? { TaskHandle: t.handle } : {}),
        Status: t.status,
        SourceArn: t.sourceArn,
        ...(t.destinationArn === undefined ? {} : { DestinationArn: t.destinationArn }),
        ...(t.rate === undefined ? {} : { MaxNumberOfMessagesPerSecond: t.rate }),
        ApproximateNumberOfMessagesMoved: t.moved,
        ApproximateNumberOfMessagesToMove: t.toMove,
        ...(t.failureReason === undefined ? {} : { FailureReason: t.failureReason }),
        StartedTimestamp: t.startedAt,
      }));
  }

  /**
   * Cancels a running task. A handle that is no task handle, names a queue that does not exist, or a
   * task that does not, is refused as AWS refuses it (test_cancel_with_invalid_task_handle,
   * test_cancel_with_invalid_source_arn_in_task_handle, test_cancel_with_invalid_task_id_in_task_handle).
   */
  cancel(input: Record<string, unknown>): number {
    const decoded = decodeTaskHandle(input['TaskHandle']);
    if (decoded === undefined) throw SqsErrors.invalidParameterValue('Value for parameter TaskHandle is invalid.');
    this.existing(decoded.sourceArn, 'SourceArn');
    const task = this.tasks.find((t) => t.id === decoded.taskId && t.sourceArn === decoded.sourceArn);
    if (task === undefined) throw SqsErrors.resourceNotFound('Task does not exist.');
    if (task.status !== 'RUNNING') throw SqsErrors.unsupportedOperation(`Only active tasks can be cancelled; this one is ${task.status}.`);
    task.timer?.cancel();
    task.status = 'CANCELLED';
    return task.moved;
  }

  /** The queue an ARN names, or ResourceNotFoundException naming the parameter. */
  private existing(arn: unknown, parameter: 'SourceArn' | 'DestinationArn'): SqsQueue {
    const queue = typeof arn === 'string' ? this.sqs.findByArn(arn) : undefined;
    if (queue === undefined) throw SqsErrors.resourceNotFound(`The resource that you specified for the ${parameter} parameter doesn't exist.`);
    return queue;
  }

  private schedule(task: MoveTask, delayMs: number): void {
    if (task.rate !== undefined && delayMs > 0) task.timer = this.clock.after(delayMs, () => this.step(task));
    // Unlimited tasks move in chunks between other work, without waiting on the clock.
    else setImmediate(() => this.step(task));
  }

  private step(task: MoveTask): void {
    if (task.status !== 'RUNNING') return;
    let source: SqsQueue;
    try {
      source = this.sqs.queueByArn(task.sourceArn);
    } catch {
      return this.fail(task, NON_EXISTENT_QUEUE);
    }
    const budget = Math.min(task.rate ?? UNLIMITED_STEP, task.toMove - task.moved);
    const messages = budget > 0 ? source.drainReady(budget) : [];
    for (const [index, message] of messages.entries()) {
      const destinationArn = task.destinationArn ?? message.deadLetterSourceArn;
      const destination = destinationArn === undefined ? undefined : this.sqs.findByArn(destinationArn);
      if (destination === undefined) {
        // The task fails; what it had taken and not moved goes back to the source as it was.
        for (const rest of messages.slice(index)) source.send(putBack(rest));
        return this.fail(task, NON_EXISTENT_QUEUE);
      }
      destination.send({
        body: message.body,
        ...(message.attributes ? { attributes: message.attributes } : {}),
        ...(message.traceHeader ? { traceHeader: message.traceHeader } : {}),
        ...(message.groupId ? { groupId: message.groupId, dedupId: message.dedupId ?? `${message.id}-moved` } : {}),
        moved: true,
      });
      task.moved++;
    }
    if (messages.length === 0 || task.moved >= task.toMove) {
      task.status = 'COMPLETED';
      return;
    }
    this.schedule(task, 1000);
  }

  private fail(task: MoveTask, reason: string): void {
    task.status = 'FAILED';
    task.failureReason = reason;
  }
}

/** A task handle is base64 of `{"taskId": ..., "sourceArn": ...}` (test_basic_move_task_workflow decodes it). */
function decodeTaskHandle(handle: unknown): { taskId: string; sourceArn: string } | undefined {
  if (typeof handle !== 'string' || handle === '') return undefined;
  try {
    const doc = JSON.parse(Buffer.from(handle, 'base64').toString('utf8')) as { taskId?: unknown; sourceArn?: unknown };
    return typeof doc.taskId === 'string' && typeof doc.sourceArn === 'string' ? { taskId: doc.taskId, sourceArn: doc.sourceArn } : undefined;
  } catch {
    return undefined;
  }
}

/** A message returned to the queue it was taken from, unchanged. */
function putBack(message: StoredMessage): SendInput {
  return {
    id: message.id,
    body: message.body,
    ...(message.attributes ? { attributes: message.attributes } : {}),
    ...(message.traceHeader ? { traceHeader: message.traceHeader } : {}),
    ...(message.groupId ? { groupId: message.groupId, dedupId: message.dedupId ?? message.id } : {}),
    ...(message.deadLetterSourceArn ? { deadLetterSourceArn: message.deadLetterSourceArn } : {}),
    receiveCount: message.receiveCount,
    sentAt: message.sentAt,
    senderId: message.senderId,
    moved: true,
  };
}
