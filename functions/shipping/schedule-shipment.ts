import { ShipmentScheduled } from '../events';
import { eventEntry } from '../shared/publisher';
import { serviceRuntime } from '../shared/runtime';
import { sqsConsumer } from '../shared/sqs-consumer';
import { SCHEDULE_SHIPMENT } from './subscriptions';

const { store } = serviceRuntime();

const DAY_MS = 86_400_000;

/** Picks the carrier from the amount paid; the ETA follows from the payment time, so it is reproducible. */
export function planShipment(orderId: string, amount: number, paidAt: string) {
  const express = amount >= 100;
  return {
    shipmentId: `SHP-${orderId}`,
    carrier: express ? 'DHL Express' : 'Standard Post',
    eta: new Date(Date.parse(paidAt) + (express ? 1 : 3) * DAY_MS).toISOString(),
  };
}

/** PaymentAuthorized -> one shipment per order, publishing ShipmentScheduled. */
export const handler = sqsConsumer(SCHEDULE_SHIPMENT, async (event, log) => {
  const { orderId, amount } = event.data;
  const plan = planShipment(orderId, amount, event.time);
  const result = await store.write(
    store.put(
      { pk: `ORDER#${orderId}`, sk: 'SHIPMENT', orderId, ...plan, scheduledAt: event.time },
      { condition: 'attribute_not_exists(pk)', publish: [eventEntry(ShipmentScheduled, { orderId, ...plan }, orderId)] },
    ),
  );
  log.info('shipment scheduled', { ...plan, result: result.status });
});
