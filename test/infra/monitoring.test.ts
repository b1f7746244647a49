import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { BusinessAlarms } from '../../infra/constructs/business-alarms';
import { BusinessMetrics } from '../../infra/constructs/business-metrics';
import { resourcesOf, synthShop } from '../support/synth';

/**
 * The stage's dashboard and business alarms, read from the synthesized templates: a row for every
 * hop's queue, DLQs and function and every relay, the business metrics under the namespace and
 * service names the functions are given, and alarms on the business.
 */
const { shop, templates } = synthShop();
const monitoring = templates.get('Shop-dev-Monitoring')!;
const serviceStacks = [shop.orders, shop.inventory, shop.payments, shop.shipping, shop.notifications, shop.audit];

/** `Fn::ImportValue` of an export -> `@<stack>/<logicalId>` of what the producing stack exports. */
const exported = new Map<string, string>();
for (const [stackName, template] of templates) {
  for (const output of Object.values((template.toJSON() as { Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }> }).Outputs ?? {})) {
    if (output.Export === undefined) continue;
    const value = output.Value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
    exported.set(output.Export.Name, `@${stackName}/${value.Ref ?? value['Fn::GetAtt']![0]}`);
  }
}

type MetricLine = Array<string | Record<string, unknown>>;
interface Widget {
  type: string;
  properties: { title?: string; metrics?: MetricLine[]; alarms?: string[] };
}

/** The dashboard's widgets, each import replaced by what it names (its producer's logical id). */
function dashboardWidgets(template: Template): Widget[] {
  const [dashboard] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
  const parts = (dashboard!.Properties!['DashboardBody'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const body = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const value = part as { 'Fn::ImportValue'?: string; Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (value.Ref === 'AWS::Region') return 'us-east-1';
      // A resource of the monitoring stack itself (its business alarms).
      if (value['Fn::GetAtt'] !== undefined) return `@Shop-dev-Monitoring/${value['Fn::GetAtt'][0]}`;
      const name = value['Fn::ImportValue'];
      if (name === undefined || !exported.has(name)) throw new Error(`unexpected token in the dashboard: ${JSON.stringify(part)}`);
      return exported.get(name)!;
    })
    .join('');
  return (JSON.parse(body) as { widgets: Widget[] }).widgets;
}

const widgets = dashboardWidgets(monitoring);
/** Every metric line of the dashboard as `namespace metric dimension=value...`. */
const lines = widgets.flatMap((w) => (w.properties.metrics ?? []).map((line) => {
  const strings = line.filter((part): part is string => typeof part === 'string');
  const [namespace, name, ...dims] = strings;
  const pairs = dims.flatMap((d, i) => (i % 2 === 0 ? [`${d}=${dims[i + 1]}`] : []));
  return [namespace, name, ...pairs].join(' ');
}));
const ref = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => `@${stack.stackName}/${stack.getLogicalId(construct.node.defaultChild as never)}`;

describe('the dashboard', () => {
  it('is one per stage, named after it', () => {
    expect(Object.values(resourcesOf(monitoring, 'AWS::CloudWatch::Dashboard')).map((d) => d.Properties!['DashboardName'])).toEqual(['Shop-dev']);
    const prodTemplates = synthShop({ stage: 'prod', alarmEmail: 'ops@example.com' }).templates;
    const prod = prodTemplates.get('Shop-prod-Monitoring')!;
    expect(Object.values(resourcesOf(prod, 'AWS::CloudWatch::Dashboard')).map((d) => d.Properties!['DashboardName'])).toEqual(['Shop-prod']);
    // Each stage's functions write their metrics to the stage's own namespace.
    const namespaces = [...prodTemplates.values()].flatMap((t) => Object.values(resourcesOf(t, 'AWS::Lambda::Function')).map((f) => (f.Properties!['Environment'] as { Variables: Record<string, string> }).Variables['POWERTOOLS_METRICS_NAMESPACE']));
    expect(new Set(namespaces)).toEqual(new Set(['ShopPipeline/prod']));
  });

  const hops = serviceStacks.flatMap((stack) => stack.hops.map((hop) => [hop.node.id, stack, hop] as const));
  it('has a hop for each of the 8 handlers', () => expect(hops.map(([name]) => name).sort()).toEqual(['AuthorizePayment', 'RecordEvent', 'RecordOrder', 'ReleaseStock', 'ReserveStock', 'ScheduleShipment', 'SendNotification', 'UpdateOrderStatus']));

  it.each(hops)("shows %s's queue depth and oldest message, both DLQs, the function's errors, throttles and duration, and its records", (name, stack, hop) => {
    const queue = ref(stack, hop.queue);
    const fn = ref(stack, hop.function);
    expect(lines).toEqual(
      expect.arrayContaining([
        `AWS/SQS ApproximateNumberOfMessagesVisible QueueName=${queue}`,
        `AWS/SQS ApproximateAgeOfOldestMessage QueueName=${queue}`,
        `AWS/SQS ApproximateNumberOfMessagesVisible QueueName=${ref(stack, hop.deadLetterQueue)}`,
        `AWS/SQS ApproximateNumberOfMessagesVisible QueueName=${ref(stack, hop.targetDeadLetterQueue)}`,
        `AWS/Lambda Errors FunctionName=${fn}`,
        `AWS/Lambda Throttles FunctionName=${fn}`,
        `AWS/Lambda Duration FunctionName=${fn}`,
        `ShopPipeline/dev RecordsFailed service=${name}`,
        `ShopPipeline/dev DuplicatesSkipped service=${name}`,
      ]),
    );
    expect(widgets.map((w) => w.properties.title)).toEqual(expect.arrayContaining([`${name}: queue`, `${name}: dead-letter queues`, `${name}: function`, `${name}: records`]));
  });

  const relays = serviceStacks.flatMap((stack) => stack.relays.map((relay) => [relay.node.id, stack, relay] as const));
  it.each(relays)("shows %s's iterator age, errors and DLQ", (_name, stack, relay) => {
    const fn = ref(stack, relay.function);
    expect(lines).toEqual(
      expect.arrayContaining([`AWS/Lambda IteratorAge FunctionName=${fn}`, `AWS/Lambda Errors FunctionName=${fn}`, `AWS/SQS ApproximateNumberOfMessagesVisible QueueName=${ref(stack, relay.deadLetterQueue)}`]),
    );
  });

  it('shows the business metrics under the service names the emitting functions are given', () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        'ShopPipeline/dev OrdersPlaced service=RecordOrder',
        ...['OrdersReserved', 'OrdersPaid', 'OrdersShipped', 'OrdersDelivered', 'TimeToDelivery', 'TimeToCancellation'].map((m) => `ShopPipeline/dev ${m} service=UpdateOrderStatus`),
        'ShopPipeline/dev OrdersCancelled reason=PAYMENT_DECLINED service=UpdateOrderStatus',
        'ShopPipeline/dev OrdersCancelled reason=OUT_OF_STOCK service=UpdateOrderStatus',
        'ShopPipeline/dev PaymentDeclines service=AuthorizePayment',
        'ShopPipeline/dev StockRejections service=ReserveStock',
      ]),
    );
    // Every `service` the dashboard reads is a function's POWERTOOLS_SERVICE_NAME, under the stage's namespace.
    const environments = [...templates.values()].flatMap((t) => Object.values(resourcesOf(t, 'AWS::Lambda::Function')).map((f) => (f.Properties!['Environment'] as { Variables: Record<string, string> }).Variables));
    const services = new Set(environments.map((v) => v['POWERTOOLS_SERVICE_NAME']));
    for (const line of lines.filter((l) => l.startsWith('ShopPipeline/dev '))) expect(services).toContain(/service=(\w+)/.exec(line)![1]);
    expect(new Set(environments.map((v) => v['POWERTOOLS_METRICS_NAMESPACE']))).toEqual(new Set(['ShopPipeline/dev']));
  });

  it("shows the carrier forward rule's failures and DLQ, and every alarm's state", () => {
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^AWS\/Events FailedInvocations EventBusName=@Shop-dev-EventBus\/IntegrationBus\w+ RuleName=@Shop-dev-EventBus\/ForwardCarrierEvents\w+$/)]));
    const alarmWidget = widgets.find((w) => w.type === 'alarm')!;
    const alarmCount = [...templates.values()].reduce((n, t) => n + Object.keys(resourcesOf(t, 'AWS::CloudWatch::Alarm')).length, 0);
    // All but the EventBus stack's own (its forward DLQ alarm has no export: the row shows the DLQ itself).
    const eventBusAlarms = Object.keys(resourcesOf(templates.get('Shop-dev-EventBus')!, 'AWS::CloudWatch::Alarm')).length;
    expect(alarmWidget.properties.alarms).toHaveLength(alarmCount - eventBusAlarms);
  });
});

describe('business alarms', () => {
  const alarms = Object.values(resourcesOf(monitoring, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties as { Metrics: Array<Record<string, unknown>>; Threshold: number; ComparisonOperator: string });
  const metricOf = (alarm: (typeof alarms)[number], id: string) => (alarm.Metrics.find((m) => m['Id'] === id)?.['MetricStat'] as { Metric: Record<string, unknown>; Period: number } | undefined);

  it('alarms when more than 20 % of at least 10 orders placed in 15 minutes are cancelled by a declined payment', () => {
    const alarm = alarms.find((a) => a.Metrics.some((m) => String(m['Expression']).includes('declined')))!;
    expect(alarm).toMatchObject({ Threshold: 20, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    expect(alarm.Metrics.find((m) => m['Expression'] !== undefined)?.['Expression']).toBe('IF(FILL(placed, 0) >= 10, 100 * FILL(declined, 0) / placed, 0)');
    expect(metricOf(alarm, 'declined')).toEqual({
      Metric: { Namespace: 'ShopPipeline/dev', MetricName: 'OrdersCancelled', Dimensions: [{ Name: 'reason', Value: 'PAYMENT_DECLINED' }, { Name: 'service', Value: 'UpdateOrderStatus' }] },
      Period: 900,
      Stat: 'Sum',
    });
    expect(metricOf(alarm, 'placed')?.Metric).toMatchObject({ MetricName: 'OrdersPlaced', Dimensions: [{ Name: 'service', Value: 'RecordOrder' }] });
  });

  it('alarms when orders were placed in 30 minutes and none shipped', () => {
    const alarm = alarms.find((a) => a.Metrics.some((m) => String(m['Expression']).includes('shipped')))!;
    expect(alarm.Metrics.find((m) => m['Expression'] !== undefined)?.['Expression']).toBe('IF(FILL(placed, 0) >= 5 AND FILL(shipped, 0) == 0, 1, 0)');
    expect(metricOf(alarm, 'shipped')).toMatchObject({ Metric: { MetricName: 'OrdersShipped', Dimensions: [{ Name: 'service', Value: 'UpdateOrderStatus' }] }, Period: 1800 });
  });

  it('refuses thresholds that cannot mean anything, naming them', () => {
    const business = new BusinessMetrics('N', { recordOrder: 'a', updateOrderStatus: 'b', reserveStock: 'c', authorizePayment: 'd' });
    const stack = () => new Stack(new App());
    expect(() => new BusinessAlarms(stack(), 'A', { metrics: business, paymentCancellationPercent: 0 })).toThrow('paymentCancellationPercent must be in (0, 100], got 0');
    expect(() => new BusinessAlarms(stack(), 'A', { metrics: business, minimumOrders: 0.5 })).toThrow(/minimumOrders must be an integer/);
    expect(() => new BusinessAlarms(stack(), 'A', { metrics: business, paymentWindow: undefined, shippingWindow: undefined, minimumUnshippedOrders: -1 })).toThrow(/minimumUnshippedOrders/);
  });
});
