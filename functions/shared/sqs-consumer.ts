import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { SubscribedEvent, Subscription } from '../events/subscription';
import { requireEnv, requireNumberEnv } from './env';
import { InvalidEventError } from './errors';
import { recordFinalFailure } from './failure-log';
import { logger } from './logger';
import { countDuplicateSkipped, countMetric, flushMetrics } from './metrics';
import { withTraceHeader } from './trace-context';

/** Handles one validated event of its subscription; throws to fail only its own record. */
export type EventHandler<S extends Subscription> = (event: SubscribedEvent<S>, log: Logger) => Promise<void>;

/**
 * Builds a Lambda handler for an SQS queue fed by EventBridge: each record's body is parsed and
 * validated by the handler's subscription (the same object its rule pattern comes from), then handed
 * to `handle`, typed as the union of the subscribed events. A record that fails (invalid
 * or not) is logged with its reason and reported in `batchItemFailures`, so it returns to the queue
 * alone and reaches the DLQ after `maxReceiveCount`; the other records of its batch are unaffected.
 */
export function sqsConsumer<S extends Subscription>(
  subscription: S,
  handle: EventHandler<S>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  // Where and when a record's last failure is kept (see failure-log.ts): the service's failure table,
  // at the receive that sends the message to the DLQ.
  const failureTable = requireEnv('FAILURE_TABLE_NAME');
  const maxReceiveCount = requireNumberEnv('MAX_RECEIVE_COUNT');

  // Copies of one event in one batch (a duplicate delivery, a re-publication) are handled once: the
  // other copies wait for the first and share its outcome, instead of racing it to the same item
  // (a conditional write refused, a transaction conflict). One batch at a time per sandbox.
  const handling = new Map<string, Promise<void>>();

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    let log: Logger = logger.createChild({ persistentKeys: { messageId: record.messageId } });
    let event: SubscribedEvent<S> | undefined;
    try {
      const parsed = subscription.parse(parseJson(record.body)) as SubscribedEvent<S>;
      event = parsed;
      log = log.createChild({
        persistentKeys: { correlationId: parsed.metadata.correlationId, eventId: parsed.id, detailType: parsed.contract.detailType },
      });
      const first = handling.get(parsed.id);
      if (first !== undefined) {
        await first;
        log.info('copy of an event handled earlier in this batch');
        countDuplicateSkipped();
        return;
      }
      // The record's trace goes on in the events its handler writes (see trace-context.ts).
      const work = withTraceHeader(record.attributes.AWSTraceHeader, () => handle(parsed, log));
      handling.set(parsed.id, work);
      await work;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      const receiveCount = Number(record.attributes.ApproximateReceiveCount);
      log.error('record failed', { reason: err.message, errorName: err.name, receiveCount, permanent: err instanceof InvalidEventError });
      countMetric('RecordsFailed');
      if (receiveCount >= maxReceiveCount) {
        await recordFinalFailure(
          failureTable,
          {
            messageId: record.messageId,
            receiveCount,
            reason: err.message,
            errorName: err.name,
            ...(event === undefined ? {} : { eventId: event.id, detailType: event.contract.detailType, correlationId: event.metadata.correlationId }),
          },
          log,
        );
      }
      throw err;
    }
  };

  return async (event, context) => {
    logger.addContext(context);
    handling.clear();
    // A batch whose every record failed is still answered with the list, not thrown: the same outcome
    // (all return to the queue) without turning a poison batch into a function error.
    try {
      return await processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
    } finally {
      // One EMF line per invocation, whatever its records did; the batch response is returned unchanged.
      flushMetrics();
    }
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new InvalidEventError(`SQS message body is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
  }
}
