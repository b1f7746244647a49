import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridge } from '../shared/clients';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { outboxEventId, owedEntries } from '../shared/outbox';
import { Publisher } from '../shared/publisher';

const publisher = new Publisher({ client: eventBridge, eventBusName: requireEnv('EVENT_BUS_NAME') });
const processor = new BatchProcessor(EventType.DynamoDBStreams);

const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
  const log = logger.createChild({ persistentKeys: { sequenceNumber: record.dynamodb?.SequenceNumber } });
  try {
    const entries = owedEntries(record);
    // The entries keep the producer's event id in their detail: a record published again (a retried
    // batch) is the same event to every consumer, which deduplicates on it.
    await publisher.publish(entries);
    // Debug, not info: a line per record of every table's stream doubled the pipeline's log bytes (and
    // their CloudWatch Logs cost); a failure is still logged as an error with its reason.
    log.debug('outbox published', { events: entries.map((e) => ({ detailType: e.DetailType, eventId: outboxEventId(e) })) });
  } catch (error) {
    log.error('outbox not published', { reason: (error as Error).message, errorName: (error as Error).name });
    throw error;
  }
};

/**
 * The outbox relay: a function on the table's DynamoDB stream (filtered to records whose new image
 * holds an outbox) that publishes each effect's outcome events to the bus. A record that fails is
 * reported by its sequence number, so Lambda retries the stream from it (the later records of the
 * batch again too: the same events, which consumers deduplicate); past the mapping's retries or record
 * age, the batch's description goes to its on-failure queue.
 */
export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
};
