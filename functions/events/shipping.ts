import * as z from 'zod/mini';
import { defineEvent } from './contract';
import { id, text, timestamp } from './schemas';

export const SHIPPING_SOURCE = 'shop.shipping';

export const ShipmentScheduled = defineEvent({
  source: SHIPPING_SOURCE,
  detailType: 'ShipmentScheduled',
  version: 1,
  schema: z.object({
    orderId: id(),
    shipmentId: id(),
    carrier: text(),
    eta: timestamp(),
  }),
});
