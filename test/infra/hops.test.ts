import { resourcesOf, synthShop, type CfnResource } from '../support/synth';

/**
 * Hops that call the rate-limited payment provider: fewer concurrent invocations (its rate limit) and
 * more receives (messages wait in the queue while its breaker is open); see payments-stack.ts.
 */
const PROVIDER_HOPS: Record<string, { maxConcurrency: number; maxReceiveCount: number }> = { AuthorizePayment: { maxConcurrency: 2, maxReceiveCount: 30 } };
/** Hops no order waits on batch for a second (OFF_CRITICAL_PATH); every hop of the saga invokes at once. */
const WINDOWED_HOPS = ['RecordEvent', 'SendNotification'];

/** Every asynchronous hop of every stack has its failure path, read from the synthesized templates. */
const { templates } = synthShop();
const serviceTemplates = [...templates].filter(([name]) => !name.endsWith('-EventBus') && !name.endsWith('-Monitoring'));

/** The logical id a `{Fn::GetAtt: [id, attr]}` or `{Ref: id}` points at. */
function refId(value: unknown): string | undefined {
  const v = value as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
  return v?.['Fn::GetAtt']?.[0] ?? v?.Ref;
}

describe.each(serviceTemplates)('%s', (_name, template) => {
  const queues = resourcesOf(template, 'AWS::SQS::Queue');
  const rules = resourcesOf(template, 'AWS::Events::Rule');
  const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');
  const functions = resourcesOf(template, 'AWS::Lambda::Function');

  it('has at least one hop', () => {
    expect(Object.keys(rules).length).toBeGreaterThan(0);
    expect(Object.keys(mappings)).toHaveLength(Object.keys(functions).length);
  });

  it('gives every rule -> queue target a DLQ and a retry policy', () => {
    for (const rule of Object.values(rules)) {
      const targets = rule.Properties?.['Targets'] as Array<Record<string, unknown>>;
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        expect(queues[refId(target['Arn'])!]).toBeDefined();
        const dlq = refId((target['DeadLetterConfig'] as { Arn: unknown }).Arn);
        expect(queues[dlq!]).toBeDefined();
        expect(target['RetryPolicy']).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 });
      }
    }
  });

  const sqsMappings = Object.values(mappings).filter((m) => queues[refId(m.Properties!['EventSourceArn'])!] !== undefined);
  const streamMappings = Object.values(mappings).filter((m) => queues[refId(m.Properties!['EventSourceArn'])!] === undefined);
  const tables = resourcesOf(template, 'AWS::DynamoDB::Table');

  it('redrives every queue that feeds a function to a DLQ and reports batch item failures', () => {
    expect(sqsMappings.length).toBeGreaterThan(0);
    for (const mapping of sqsMappings) {
      const props = mapping.Properties!;
      expect(props['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
      const hop = refId(props['FunctionName'])!.replace(/Function[0-9A-F]{8}$/, '');
      const windowed = WINDOWED_HOPS.includes(hop);
      expect([hop, props['BatchSize'], props['MaximumBatchingWindowInSeconds']]).toEqual([hop, windowed ? 100 : 10, windowed ? 1 : 0]);
      const tuned = PROVIDER_HOPS[hop];
      expect(props['ScalingConfig']).toEqual({ MaximumConcurrency: tuned?.maxConcurrency ?? 5 });
      const queue = queues[refId(props['EventSourceArn'])!]!;
      const redrive = queue.Properties!['RedrivePolicy'] as { deadLetterTargetArn: unknown; maxReceiveCount: number };
      expect(redrive.maxReceiveCount).toBe(tuned?.maxReceiveCount ?? 5);
      expect(queues[refId(redrive.deadLetterTargetArn)!]).toBeDefined();
      // Six times the function's timeout, so a slow batch is not delivered twice.
      const fn = functions[refId(props['FunctionName'])!]!;
      expect(queue.Properties!['VisibilityTimeout']).toBe(6 * (fn.Properties!['Timeout'] as number));
    }
  });

  it('publishes the outbox of every table with a stream through a relay with a failure path', () => {
    const streamed = Object.entries(tables).filter(([, t]) => t.Properties!['StreamSpecification'] !== undefined);
    expect(streamMappings).toHaveLength(streamed.length);
    for (const [id, table] of streamed) {
      expect(table.Properties!['StreamSpecification']).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
      const mapping = streamMappings.find((m) => refId(m.Properties!['EventSourceArn']) === id);
      expect(mapping?.Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 6 * 3600,
        // Only writes that carry an outbox invoke the relay.
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { outbox: { S: [{ exists: true }] } } } }) }] },
      });
      const onFailure = refId((mapping!.Properties!['DestinationConfig'] as { OnFailure: { Destination: unknown } }).OnFailure.Destination);
      expect(queues[onFailure!]).toBeDefined();
    }
  });

  it('encrypts every queue, keeps DLQ messages 14 days and refuses plain HTTP', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'));
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties!['SqsManagedSseEnabled']).toBe(true);
      const tlsOnly = policies.some(
        (policy) =>
          (policy.Properties!['Queues'] as unknown[]).some((q) => refId(q) === id) &&
          JSON.stringify(policy.Properties!['PolicyDocument']).includes('"aws:SecureTransport":"false"'),
      );
      expect(tlsOnly).toBe(true);
      if (queue.Properties!['RedrivePolicy'] === undefined) {
        expect(queue.Properties!['MessageRetentionPeriod']).toBe(14 * 86400);
      }
    }
  });

  it('runs bundled nodejs22.x functions on arm64, traced by X-Ray', () => {
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', TracingConfig: { Mode: 'Active' } });
      expect((fn.Properties!['Environment'] as { Variables: Record<string, unknown> }).Variables).toHaveProperty('NODE_OPTIONS', '--enable-source-maps');
    }
  });

  it('alarms on every DLQ holding a message and on the age of every work queue', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    const watched = (metric: string) =>
      alarms.filter((a) => a.Properties!['MetricName'] === metric).map((a) => refId((a.Properties!['Dimensions'] as Array<{ Value: unknown }>)[0]!.Value));
    const dlqs = Object.entries(queues).filter(([, q]) => q.Properties!['RedrivePolicy'] === undefined).map(([id]) => id);
    const work = Object.entries(queues).filter(([, q]) => q.Properties!['RedrivePolicy'] !== undefined).map(([id]) => id);
    expect(watched('ApproximateNumberOfMessagesVisible').sort()).toEqual(dlqs.sort());
    expect(watched('ApproximateAgeOfOldestMessage').sort()).toEqual(work.sort());
    for (const alarm of alarms.filter((a) => a.Properties!['MetricName'] === 'ApproximateNumberOfMessagesVisible')) {
      expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('limits each function to its own log group, queue, the service\'s tables and the domain bus', () => {
    const policies = resourcesOf(template, 'AWS::IAM::Policy');
    const tableIds = Object.keys(tables);
    for (const [fnId, fn] of Object.entries(functions)) {
      const roleId = refId(fn.Properties!['Role'])!;
      const hop = fnId.replace(/Function[0-9A-F]{8}$/, '');
      const statements = Object.values(policies)
        .filter((p: CfnResource) => (p.Properties!['Roles'] as unknown[]).some((r) => refId(r) === roleId))
        .flatMap((p) => (p.Properties!['PolicyDocument'] as { Statement: Array<Record<string, unknown>> }).Statement);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect([statement['Action']].flat().some((a) => String(a).includes('*'))).toBe(false);
        for (const resource of [statement['Resource']].flat()) {
          const text = JSON.stringify(resource);
          const id = refId(resource) ?? (JSON.stringify(resource).match(/"Fn::GetAtt":\["([A-Za-z0-9]+)"/)?.[1]);
          if (text.includes(':ssm:') && PROVIDER_HOPS[hop] !== undefined) {
            // A hop calling the payment provider reads its URL and secret parameters, by name.
            expect(text).toMatch(/:parameter\/shop\/dev\/payment-provider\/(url|secret)"/);
            expect(statement['Action']).toBe('ssm:GetParameter');
          } else if (text.includes('Fn::ImportValue')) {
            expect(text).toMatch(/DomainBus/);
          } else if (resource === '*') {
            // Actions without resource-level permissions: DynamoDB Streams' ListStreams (a relay's stream
            // reader) and X-Ray's segment upload (active tracing); nothing else.
            expect([statement['Action']].flat().every((a) => ['dynamodb:ListStreams', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords'].includes(String(a)))).toBe(true);
          } else {
            // Either a resource of this hop (its log group, its queue) or one of the service's tables.
            expect(id !== undefined && (id.startsWith(hop) || tableIds.includes(id))).toBe(true);
          }
        }
      }
    }
  });
});

describe('event bus stack', () => {
  const [, template] = [...templates].find(([name]) => name.endsWith('-EventBus'))!;

  it('has a domain bus, an integration bus and an archive of the domain bus', () => {
    const buses = Object.keys(resourcesOf(template, 'AWS::Events::EventBus'));
    expect(buses.some((id) => id.startsWith('DomainBus'))).toBe(true);
    expect(buses.some((id) => id.startsWith('IntegrationBus'))).toBe(true);
    const [archive] = Object.values(resourcesOf(template, 'AWS::Events::Archive'));
    expect(refId(archive!.Properties!['SourceArn'])).toMatch(/^DomainBus/);
    expect(archive!.Properties!['EventPattern']).toEqual({ source: [{ prefix: 'shop.' }, { prefix: 'carrier.' }] });
  });

  it('forwards carrier.webhooks from the integration bus to the domain bus with a DLQ', () => {
    const [rule] = Object.values(resourcesOf(template, 'AWS::Events::Rule'));
    expect(refId(rule!.Properties!['EventBusName'])).toMatch(/^IntegrationBus/);
    expect(rule!.Properties!['EventPattern']).toEqual({ source: ['carrier.webhooks'] });
    const [target] = rule!.Properties!['Targets'] as Array<Record<string, unknown>>;
    expect(refId(target!['Arn'])).toMatch(/^DomainBus/);
    expect(refId((target!['DeadLetterConfig'] as { Arn: unknown }).Arn)).toMatch(/^ForwardDeadLetterQueue/);
  });
});
