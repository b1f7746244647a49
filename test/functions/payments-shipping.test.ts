import { PaymentAuthorized, StockReserved, type CatalogEvent } from '../../functions/events';
import { catalogEvent, loadTestEvent } from '../support/events';
import { captureEvents, failedIds, invoke, loadHandler, publishOutboxesOf } from '../support/handlers';
import { stubProviderForHandler } from '../support/payment-provider';
import { createFailureTable, createServiceTable, getItem } from '../support/tables';

let authorize: ReturnType<typeof loadHandler>;
let schedule: ReturnType<typeof loadHandler>;
let paymentsTable: string;
let shippingTable: string;
let provider: Awaited<ReturnType<typeof stubProviderForHandler>>;
const events = captureEvents();

beforeAll(async () => {
  paymentsTable = await createServiceTable('payments');
  shippingTable = await createServiceTable('shipping');
  publishOutboxesOf(paymentsTable, shippingTable);
  // The provider decides (the stub, credit limit 5,000); its guarded calls are tested in payments-provider.test.ts.
  provider = await stubProviderForHandler();
  authorize = loadHandler('payments/authorize-payment', provider.env({ payments: paymentsTable, failures: await createFailureTable('payments') }));
  // Module-level config is read at load: each handler keeps the TABLE_NAME it was loaded with.
  schedule = loadHandler('shipping/schedule-shipment', { TABLE_NAME: shippingTable });
});
afterAll(() => provider.stop());
beforeEach(() => events.reset());

function stockReserved(orderId: string, overrides: Partial<{ customerId: string; total: number }> = {}) {
  const base = loadTestEvent<CatalogEvent<typeof StockReserved>>('shop.inventory/stock-reserved.json').detail.data;
  return catalogEvent(StockReserved, { ...base, orderId, ...overrides });
}

describe('payments/authorize-payment', () => {
  it('authorizes an order within the credit limit', async () => {
    await invoke(authorize, loadTestEvent('shop.inventory/stock-reserved.json'));
    expect(events.details('PaymentAuthorized').map((d) => d.data)).toEqual([
      { orderId: 'ord-1001', customerId: 'cust-42', authorizationId: 'AUTH-ord-1001', amount: 128.9, currency: 'EUR' },
    ]);
    expect(await getItem(paymentsTable, 'ORDER#ord-1001', 'PAYMENT')).toMatchObject({ outcome: 'AUTHORIZED' });
  });

  it('declines a total over the credit limit', async () => {
    await invoke(authorize, loadTestEvent('shop.inventory/stock-reserved-over-credit-limit.json'));
    expect(events.details('PaymentDeclined')[0]?.data).toMatchObject({ orderId: 'ord-1003', reason: 'CREDIT_LIMIT_EXCEEDED' });
    expect(events.details('PaymentAuthorized')).toEqual([]);
  });

  it('declines a test card', async () => {
    await invoke(authorize, stockReserved('ord-card', { customerId: 'test-declined-7', total: 5 }));
    expect(events.details('PaymentDeclined')[0]?.data).toMatchObject({ orderId: 'ord-card', reason: 'CARD_DECLINED' });
  });

  it('decides once per order: a duplicate or a re-published StockReserved never charges twice', async () => {
    const event = stockReserved('ord-pay-dup');
    await invoke(authorize, event, event);
    await invoke(authorize, stockReserved('ord-pay-dup'));
    expect(events.details('PaymentAuthorized')).toHaveLength(1);
  });
});

describe('shipping/schedule-shipment', () => {
  function paymentAuthorized(orderId: string, amount: number) {
    const base = loadTestEvent<CatalogEvent<typeof PaymentAuthorized>>('shop.payments/payment-authorized.json').detail.data;
    return catalogEvent(PaymentAuthorized, { ...base, orderId, amount }, { time: '2026-11-22T10:00:00Z' });
  }

  it('schedules an express shipment for a large order, with an ETA from the payment time', async () => {
    const response = await invoke(schedule, paymentAuthorized('ord-ship', 250));
    expect(failedIds(response)).toEqual([]);
    expect(events.details('ShipmentScheduled').map((d) => d.data)).toEqual([
      { orderId: 'ord-ship', shipmentId: 'SHP-ord-ship', carrier: 'DHL Express', eta: '2026-11-23T10:00:00.000Z' },
    ]);
    expect(await getItem(shippingTable, 'ORDER#ord-ship', 'SHIPMENT')).toMatchObject({ carrier: 'DHL Express' });
  });

  it('schedules standard post for a small order, once per order', async () => {
    const event = paymentAuthorized('ord-ship-small', 20);
    await invoke(schedule, event);
    await invoke(schedule, event);
    expect(events.details('ShipmentScheduled').map((d) => d.data)).toEqual([
      { orderId: 'ord-ship-small', shipmentId: 'SHP-ord-ship-small', carrier: 'Standard Post', eta: '2026-11-25T10:00:00.000Z' },
    ]);
  });

  it('fails a record of the wrong event type alone', async () => {
    const response = await invoke(schedule, loadTestEvent('shop.orders/order-placed.json'), paymentAuthorized('ord-ship-ok', 20));
    expect(response.batchItemFailures).toHaveLength(1);
    expect(events.details('ShipmentScheduled')).toHaveLength(1);
  });
});
