import { App, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeadLetterQueue } from '../../infra/constructs/secure-queue';
import { buildShop } from '../../infra/shop';
import { appContext } from '../support/synth';

/** The context `cdk deploy -c stage=prod -c alarmEmail=...` gives. */
const PROD = { stage: 'prod', alarmEmail: 'ops@example.com,oncall@example.org' };

describe('cdk-nag AwsSolutions', () => {
  it.each([{ stage: 'dev' }, PROD])('finds nothing unacknowledged in the shop (stage $stage)', (context) => {
    const app = new App({ context: appContext(context) });
    buildShop(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synthesis on an unacknowledged finding (the check above can fail)', () => {
    const app = new App({ context: appContext() });
    new sqs.Queue(new Stack(app, 'Bad'), 'PlainQueue');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string };

/** Every stack of a built shop (whichever stacks it has) with its template's resources. */
function synth(context: Record<string, unknown>, extend?: (app: App) => void) {
  const app = new App({ context: appContext(context) });
  const shop = buildShop(app);
  extend?.(app);
  const stacks = app.node.children.filter(Stack.isStack);
  const resources = (stack: Stack) => Template.fromStack(stack).toJSON()['Resources'] as Record<string, Resource>;
  const all = stacks.map((stack) => ({ stack, resources: resources(stack) }));
  const ofType = (type: string) => all.flatMap(({ stack, resources: r }) => Object.entries(r).filter(([, res]) => res.Type === type).map(([id, res]) => ({ stack: stack.stackName, id, ...res })));
  return { app, shop, stacks, all, ofType };
}

type Shop = ReturnType<typeof synth>;

describe('stages: dev and prod differ where production needs it', () => {
  let dev: Shop;
  let prod: Shop;
  beforeAll(() => {
    dev = synth({ stage: 'dev' });
    prod = synth(PROD);
  });

  it('protects prod tables from deletion (DeleteTable refused, retained with the stack), dev cleans up; both keep point-in-time recovery', () => {
    for (const [shop, protectedData] of [[dev, false], [prod, true]] as const) {
      const tables = shop.ofType('AWS::DynamoDB::Table');
      // Every service's table and failure table (the payments breaker's too, should it have one).
      expect(tables.length).toBeGreaterThanOrEqual(10);
      for (const table of tables) {
        expect([table.stack, table.id, table.DeletionPolicy, table.Properties?.['DeletionProtectionEnabled']]).toEqual([table.stack, table.id, protectedData ? 'Retain' : 'Delete', protectedData]);
        expect(table.Properties?.['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
      }
    }
  });

  it('retains prod dead-letter queues and the archive with their stacks; work queues and dev go', () => {
    for (const [shop, policy] of [[dev, 'Delete'], [prod, 'Retain']] as const) {
      const dlqIds = new Set(shop.stacks.flatMap((stack) => stack.node.findAll().filter((c) => c instanceof DeadLetterQueue).map((q) => `${stack.stackName}/${stack.getLogicalId((q as DeadLetterQueue).node.defaultChild as sqs.CfnQueue)}`)));
      const queues = shop.ofType('AWS::SQS::Queue');
      // Each hop's two DLQs, each relay's and the forwarding rule's.
      expect(dlqIds.size).toBeGreaterThanOrEqual(20);
      for (const queue of queues) {
        const dlq = dlqIds.has(`${queue.stack}/${queue.id}`);
        expect([queue.stack, queue.id, queue.DeletionPolicy]).toEqual([queue.stack, queue.id, dlq ? policy : 'Delete']);
      }
      expect(shop.ofType('AWS::Events::Archive').map((a) => a.DeletionPolicy)).toEqual([policy]);
    }
    expect(dev.ofType('AWS::Events::Archive')[0]!.Properties!['RetentionDays']).toBe(7);
    expect(prod.ofType('AWS::Events::Archive')[0]!.Properties!['RetentionDays']).toBe(90);
  });

  it('keeps prod function logs a year (retained with the stack), dev logs a week', () => {
    for (const [shop, days, policy] of [[dev, 7, 'Delete'], [prod, 365, 'Retain']] as const) {
      const groups = shop.ofType('AWS::Logs::LogGroup');
      // A log group per function: every hop's and every relay's.
      expect(groups.length).toBeGreaterThanOrEqual(10);
      for (const group of groups) expect([group.id, group.Properties?.['RetentionInDays'], group.DeletionPolicy]).toEqual([group.id, days, policy]);
    }
  });

  it('has one encrypted alarm topic per stage, with an e-mail subscription per address given', () => {
    const emails = (shop: Shop) => shop.ofType('AWS::SNS::Subscription').map((s) => [s.stack, s.Properties?.['Protocol'], s.Properties?.['Endpoint']]);
    expect(dev.ofType('AWS::SNS::Topic').map((t) => t.stack)).toEqual(['Shop-dev-EventBus']);
    expect(emails(dev)).toEqual([]);
    expect(prod.ofType('AWS::SNS::Topic').map((t) => [t.stack, Object.keys(t.Properties?.['KmsMasterKeyId'] as object)])).toEqual([['Shop-prod-EventBus', ['Fn::GetAtt']]]);
    expect(emails(prod)).toEqual([
      ['Shop-prod-EventBus', 'email', 'ops@example.com'],
      ['Shop-prod-EventBus', 'email', 'oncall@example.org'],
    ]);
  });

  it.each(['dev', 'prod'])('gives every alarm of %s an alarm and an OK action to the stage topic, across stacks', (name) => {
    const shop = name === 'prod' ? prod : dev;
    const [topic] = shop.ofType('AWS::SNS::Topic');
    const busTemplate = Template.fromStack(shop.shop.bus).toJSON() as { Outputs: Record<string, { Value: unknown; Export?: { Name: string } }> };
    const exportName = Object.values(busTemplate.Outputs).find((o) => JSON.stringify(o.Value) === JSON.stringify({ Ref: topic!.id }) && o.Export)?.Export?.Name;
    const alarms = shop.ofType('AWS::CloudWatch::Alarm');
    // Every hop's three and every relay's two, at least.
    expect(alarms.length).toBeGreaterThanOrEqual(25);
    expect(new Set(alarms.map((a) => a.stack)).size).toBeGreaterThanOrEqual(7);
    for (const alarm of alarms) {
      const action = alarm.stack === topic!.stack ? { Ref: topic!.id } : { 'Fn::ImportValue': exportName };
      expect([alarm.stack, alarm.id, alarm.Properties?.['AlarmActions'], alarm.Properties?.['OKActions']]).toEqual([alarm.stack, alarm.id, [action], [action]]);
    }
    expect(exportName).toBeDefined();
  });

  it('gives alarms added after the shop was built the action too, metric, composite or plain CloudFormation', () => {
    const later = synth({ stage: 'dev' }, (app) => {
      const stack = new Stack(app, 'Shop-dev-Later');
      const metric = new cloudwatch.Metric({ namespace: 'Shop', metricName: 'OrdersCancelled' });
      const alarm = metric.createAlarm(stack, 'Cancellations', { threshold: 1, evaluationPeriods: 1 });
      new cloudwatch.CompositeAlarm(stack, 'Either', { alarmRule: cloudwatch.AlarmRule.anyOf(alarm) });
      new cloudwatch.CfnAlarm(stack, 'Raw', { comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 1, threshold: 0, metricName: 'M', namespace: 'N', period: 60, statistic: 'Sum', alarmActions: ['arn:aws:sns:us-east-1:111111111111:elsewhere'] });
    });
    const added = [...later.ofType('AWS::CloudWatch::Alarm'), ...later.ofType('AWS::CloudWatch::CompositeAlarm')].filter((a) => a.stack === 'Shop-dev-Later');
    const actions = Object.fromEntries(added.map((a) => [a.id.replace(/[0-9A-F]{8}$/, ''), [a.Properties?.['AlarmActions'], a.Properties?.['OKActions']]]));
    const topic = { 'Fn::ImportValue': expect.stringMatching(/^Shop-dev-EventBus:ExportsOutputRefAlarmsTopic/) };
    expect(actions).toEqual({
      Cancellations: [[topic], [topic]],
      Either: [[topic], [topic]],
      Raw: [['arn:aws:sns:us-east-1:111111111111:elsewhere', topic], [topic]],
    });
  });

  it('asks before deploying prod only', () => {
    expect([dev.shop.stage.deployApproval, prod.shop.stage.deployApproval]).toEqual(['never', 'broadening']);
  });
});
