import { CATALOG, OrderPlaced, parseEvent, type CatalogEvent } from '../../functions/events';
import { ConfigurationError, InvalidEventError } from '../../functions/shared/errors';
import { requireEnv, requireNumberEnv } from '../../functions/shared/env';
import { listTestEvents, loadTestEvent } from '../support/events';

describe('event catalog', () => {
  it('defines each source/detail-type once', () => {
    const keys = CATALOG.map((c) => `${c.source}/${c.detailType}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(listTestEvents())('parses the test event %s', (file) => {
    const parsed = parseEvent(CATALOG, loadTestEvent(file));
    expect(parsed.metadata.correlationId).toBe((parsed.data as { orderId: string }).orderId);
  });

  it.each([
    ['invalid/order-placed-missing-items.json', 'invalid OrderPlaced: items: Invalid input: expected array, received undefined'],
    ['invalid/order-placed-unknown-version.json', 'unsupported schema version 9 of OrderPlaced (this consumer reads version 1)'],
    ['invalid/order-placed-wrong-types.json', 'invalid OrderPlaced: customerId: Invalid input: expected string, received number'],
  ])('rejects %s, naming the fault', (file, message) => {
    expect(() => parseEvent([OrderPlaced], loadTestEvent(file))).toThrow(new InvalidEventError(message).message);
  });

  it('knows an event by its producer\'s id when it has one, by EventBridge\'s otherwise', () => {
    const event = loadTestEvent<CatalogEvent<typeof OrderPlaced>>('shop.orders/order-placed.json');
    const republished = { ...event, id: 'bus-id-2', detail: { ...event.detail, metadata: { ...event.detail.metadata, eventId: 'producer-id' } } };
    expect(parseEvent([OrderPlaced], event).id).toBe(event.id);
    expect(parseEvent([OrderPlaced], republished).id).toBe('producer-id');
    expect(() => parseEvent([OrderPlaced], { ...republished, detail: { ...republished.detail, metadata: { ...republished.detail.metadata, eventId: '' } } })).toThrow(
      /metadata\.eventId: Too small/,
    );
  });

  it('rejects an event of another type and a non-event', () => {
    expect(() => parseEvent([OrderPlaced], loadTestEvent('shop.payments/payment-declined.json'))).toThrow('unexpected event shop.payments/PaymentDeclined for this consumer');
    expect(() => parseEvent([OrderPlaced], { hello: 'world' })).toThrow(/^not an EventBridge event of this catalog: id: /);
  });
});

describe('environment', () => {
  it('names a missing variable', () => {
    delete process.env['NOT_SET_ANYWHERE'];
    expect(() => requireEnv('NOT_SET_ANYWHERE')).toThrow(new ConfigurationError('environment variable NOT_SET_ANYWHERE is required but not set'));
  });

  it('names a variable that is not a number', () => {
    process.env['CREDIT'] = 'lots';
    expect(() => requireNumberEnv('CREDIT')).toThrow('environment variable CREDIT must be a number, got "lots"');
  });

  it('fails a handler\'s cold start when its table is not configured', () => {
    delete process.env['TABLE_NAME'];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(() => require('../../functions/audit/record-event')).toThrow('environment variable TABLE_NAME is required but not set');
  });
});
