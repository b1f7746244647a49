import * as z from 'zod/mini';
import { defineEvent } from './contract';
import { id, timestamp } from './schemas';

/** Partner events arrive on the integration bus under this source and are forwarded to the domain bus. */
export const CARRIER_SOURCE = 'carrier.webhooks';

export const ShipmentDelivered = defineEvent({
  source: CARRIER_SOURCE,
  detailType: 'ShipmentDelivered',
  version: 1,
  schema: z.object({
    orderId: id(),
    shipmentId: id(),
    deliveredAt: timestamp(),
  }),
});
