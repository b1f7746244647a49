import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ShipmentDelivered, OrderPlaced, OrderStatusChanged, type CatalogEvent } from '../../functions/events';
import { catalogEvent, listTestEvents, loadTestEvent } from '../support/events';
import { captureEvents, failedIds, invoke, loadHandler } from '../support/handlers';
import { createServiceTable, queryPartition, testDynamo } from '../support/tables';

let notify: ReturnType<typeof loadHandler>;
let audit: ReturnType<typeof loadHandler>;
let notificationsTable: string;
let auditTable: string;
const events = captureEvents();

beforeAll(async () => {
  notificationsTable = await createServiceTable('notifications', [{ name: 'byCustomer', partitionKey: 'customerKey', sortKey: 'createdAt' }]);
  auditTable = await createServiceTable('audit');
  notify = loadHandler('notifications/send-notification', { TABLE_NAME: notificationsTable });
  audit = loadHandler('audit/record-event', { TABLE_NAME: auditTable });
});

function statusChanged(orderId: string, to: string, from: string | null, reason?: string) {
  return catalogEvent(OrderStatusChanged, { orderId, customerId: 'cust-n', from, to, reason } as never);
}

describe('notifications/send-notification', () => {
  it('writes one notification per customer-visible change, with the reason of a cancellation', async () => {
    // Act
    const response = await invoke(notify, statusChanged('ord-n', 'PLACED', null), statusChanged('ord-n', 'RESERVED', 'PLACED'), statusChanged('ord-n', 'CANCELLED', 'RESERVED', 'PAYMENT_DECLINED: CARD_DECLINED'));

    // Assess
    expect(failedIds(response)).toEqual([]);
    const notes = await queryPartition(notificationsTable, 'ORDER#ord-n');
    expect(notes.map((n) => n['status']).sort()).toEqual(['CANCELLED', 'PLACED']);
    expect(notes.find((n) => n['status'] === 'CANCELLED')?.['message']).toBe('Your order was cancelled. Reason: PAYMENT_DECLINED: CARD_DECLINED');
    const byCustomer = await testDynamo.send(
      new QueryCommand({ TableName: notificationsTable, IndexName: 'byCustomer', KeyConditionExpression: 'customerKey = :c', ExpressionAttributeValues: { ':c': 'CUSTOMER#cust-n' } }),
    );
    expect(byCustomer.Items).toHaveLength(2);
  });

  it('notifies a change once, whatever the number of copies or event ids', async () => {
    const event = statusChanged('ord-n2', 'SHIPPED', 'PAID');
    await invoke(notify, event, event);
    await invoke(notify, statusChanged('ord-n2', 'SHIPPED', 'PAID'));
    expect(await queryPartition(notificationsTable, 'ORDER#ord-n2')).toHaveLength(1);
  });
});

describe('audit/record-event', () => {
  it('appends every catalog event, once, in one order timeline query', async () => {
    // Prepare: every test event of the catalog about ord-1001, one of them delivered twice.
    const timeline = listTestEvents()
      .map((file) => loadTestEvent<CatalogEvent<typeof OrderPlaced>>(file))
      .filter((event) => event.detail.metadata.correlationId === 'ord-1001');
    expect(timeline.length).toBeGreaterThanOrEqual(6);

    // Act
    const response = await invoke(audit, ...timeline, timeline[0]);
    await invoke(audit, timeline[1]);

    // Assess
    expect(failedIds(response)).toEqual([]);
    const stored = await queryPartition(auditTable, 'ORDER#ord-1001');
    expect(stored.map((item) => item['eventId']).sort()).toEqual(timeline.map((e) => e.id).sort());
    const times = stored.map((item) => String(item['sk']));
    expect(times).toEqual([...times].sort());
  });

  it('appends an event published again (a new EventBridge id, the same producer id) once', async () => {
    // Prepare: the same entry, published twice, as two EventBridge events.
    const first = catalogEvent(OrderPlaced, loadTestEvent<CatalogEvent<typeof OrderPlaced>>('shop.orders/order-placed.json').detail.data, { correlationId: 'ord-republished' });
    const producerId = 'producer-event-1';
    const once = { ...first, detail: { ...first.detail, metadata: { ...first.detail.metadata, occurredAt: '2026-11-22T10:00:00.123Z', eventId: producerId } } };
    const again = { ...once, id: 'another-eventbridge-id' };

    // Act
    const responses = [await invoke(audit, once), await invoke(audit, again)];

    // Assess
    expect(responses.map(failedIds)).toEqual([[], []]);
    expect((await queryPartition(auditTable, 'ORDER#ord-republished')).map((item) => item['eventId'])).toEqual([producerId]);
  });

  it('keeps a partner event whose id collides with one of ours: ids are scoped by source', async () => {
    // Prepare: our OrderPlaced and the carrier's ShipmentDelivered, with the same producer id and time.
    const at = '2026-11-22T11:00:00.000Z';
    const withId = <E extends { detail: { metadata: object } }>(event: E): E => ({ ...event, detail: { ...event.detail, metadata: { ...event.detail.metadata, occurredAt: at, eventId: 'colliding-id' } } });
    const ours = withId(catalogEvent(OrderPlaced, loadTestEvent<CatalogEvent<typeof OrderPlaced>>('shop.orders/order-placed.json').detail.data, { correlationId: 'ord-collide' }));
    const delivered = loadTestEvent<CatalogEvent<typeof ShipmentDelivered>>('carrier.webhooks/shipment-delivered.json').detail.data;
    const partners = withId(catalogEvent(ShipmentDelivered, delivered, { correlationId: 'ord-collide' }));

    // Act: the partner's first, then ours.
    const responses = [await invoke(audit, partners), await invoke(audit, ours)];

    // Assess: both are in the store.
    expect(responses.map(failedIds)).toEqual([[], []]);
    const stored = await queryPartition(auditTable, 'ORDER#ord-collide');
    expect(stored.map((item) => `${String(item['source'])}/${String(item['eventId'])}`).sort()).toEqual(['carrier.webhooks/colliding-id', 'shop.orders/colliding-id']);
  });

  it('sends an event that breaks its schema to the DLQ path, alone', async () => {
    const response = await invoke(audit, loadTestEvent('invalid/order-placed-wrong-types.json'), catalogEvent(OrderPlaced, loadTestEvent<CatalogEvent<typeof OrderPlaced>>('shop.orders/order-placed.json').detail.data));
    expect(response.batchItemFailures).toHaveLength(1);
    expect(events.published).toEqual([]);
  });
});
