import { compilePattern } from '../../local/eventbridge/pattern';
import { listTestEvents, loadTestEvent } from '../support/events';
import { resourcesOf, synthShop } from '../support/synth';

/**
 * Contract: each test event reaches exactly the consumers that should receive it, and no other rule,
 * judged by the rule patterns of the synthesized templates and the local cloud's pattern matcher.
 */
const { templates } = synthShop();

interface DeployedRule {
  name: string;
  bus: 'domain' | 'integration';
  matches(event: unknown): boolean;
}

const rules: DeployedRule[] = [...templates.values()].flatMap((template) =>
  Object.entries(resourcesOf(template, 'AWS::Events::Rule')).map(([logicalId, rule]) => {
    const bus = JSON.stringify(rule.Properties!['EventBusName']);
    return {
      name: logicalId.replace(/(Rule)?[0-9A-F]{8}$/, ''),
      bus: bus.includes('IntegrationBus') ? ('integration' as const) : bus.includes('DomainBus') ? ('domain' as const) : fail(`unknown bus ${bus}`),
      matches: compilePattern(rule.Properties!['EventPattern']).matches,
    };
  }),
);
const [archive] = [...templates.values()].flatMap((t) => Object.values(resourcesOf(t, 'AWS::Events::Archive')));

function fail(message: string): never {
  throw new Error(message);
}

const ALL = 'RecordEvent';
/** Who must receive each test event on the domain bus (carrier events: after forwarding). */
const EXPECTED: Record<string, string[]> = {
  'carrier.webhooks/shipment-delivered.json': ['UpdateOrderStatus', ALL],
  'shop.inventory/stock-rejected.json': ['UpdateOrderStatus', ALL],
  'shop.inventory/stock-released.json': [ALL],
  'shop.inventory/stock-reserved.json': ['AuthorizePayment', 'UpdateOrderStatus', ALL],
  'shop.inventory/stock-reserved-over-credit-limit.json': ['AuthorizePayment', 'UpdateOrderStatus', ALL],
  'shop.orders/order-placed.json': ['RecordOrder', 'ReserveStock', ALL],
  'shop.orders/order-placed-declined-card.json': ['RecordOrder', 'ReserveStock', ALL],
  'shop.orders/order-placed-out-of-stock.json': ['RecordOrder', 'ReserveStock', ALL],
  'shop.orders/order-placed-over-credit-limit.json': ['RecordOrder', 'ReserveStock', ALL],
  'shop.orders/order-status-changed-cancelled.json': ['SendNotification', ALL],
  'shop.orders/order-status-changed-placed.json': ['SendNotification', ALL],
  'shop.orders/order-status-changed-reserved.json': [ALL],
  'shop.payments/payment-authorized.json': ['ScheduleShipment', 'UpdateOrderStatus', ALL],
  'shop.payments/payment-declined.json': ['ReleaseStock', 'UpdateOrderStatus', ALL],
  'shop.shipping/shipment-scheduled.json': ['UpdateOrderStatus', ALL],
};

const matching = (bus: DeployedRule['bus'], event: unknown) =>
  rules.filter((rule) => rule.bus === bus && rule.matches(event)).map((rule) => rule.name).sort();

describe('event routing contract', () => {
  it('knows the expected consumers of every test event', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(listTestEvents());
  });

  it.each(listTestEvents())('%s reaches exactly its consumers', (file) => {
    const event = loadTestEvent<{ source: string }>(file);
    if (event.source.startsWith('carrier.')) {
      // Partners publish on the integration bus; only the forwarding rule takes it to the domain bus.
      expect(matching('integration', event)).toEqual(['ForwardCarrierEvents']);
    } else {
      expect(matching('integration', event)).toEqual([]);
    }
    expect(matching('domain', event)).toEqual([...EXPECTED[file]!].sort());
  });

  it.each(listTestEvents())('%s is archived for replay', (file) => {
    expect(compilePattern(archive!.Properties!['EventPattern']).matches(loadTestEvent(file))).toBe(true);
  });

  it('routes no foreign event', () => {
    const foreign = { ...loadTestEvent<object>('shop.orders/order-placed.json'), source: 'other.app' };
    expect(matching('domain', foreign)).toEqual([]);
  });
});
