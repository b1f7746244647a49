import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { currentTraceHeader, traceIdOf } from '../shared/trace-context';
import { RECORD_EVENT } from './subscriptions';

const { store } = serviceRuntime();

/**
 * Every shop.* and carrier.* event -> appended to the event store. The key (order, time#source#event id)
 * makes one order's timeline a single Query in time order, and a second copy of an event a no-op; the
 * source in the key keeps a partner's event ids from ever colliding with ours.
 */
export const handler = sqsConsumer(RECORD_EVENT, async (event, log) => {
  const traceId = traceIdOf(currentTraceHeader());
  const result = await store.write(
    store.put(
      {
        pk: `ORDER#${event.metadata.correlationId}`,
        // Deterministic per event (a second copy is a no-op), in the order the events happened.
        sk: `${event.metadata.occurredAt ?? event.time}#${event.source}#${event.id}`,
        eventId: event.id,
        source: event.source,
        detailType: event['detail-type'],
        version: event.metadata.version,
        data: event.data,
        recordedAt: new Date().toISOString(),
        // The X-Ray trace the event travelled in: an order's events share one (find it by the order).
        ...(traceId === undefined ? {} : { traceId }),
      },
      { condition: 'attribute_not_exists(pk)', publish: [] },
    ),
  );
  if (result.status === 'condition-failed') log.info('event already in the audit store');
});
