import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { localCloudWithClients } from '../support/local-cloud';
import { patternCases, transformerCases } from './pattern-cases';

/**
 * AWS-validated EventBridge cases (patterns/, see its README), run through the local
 * cloud's endpoint with the AWS SDK: TestEventPattern for the pattern cases, and
 * PutRule/PutTargets/PutEvents -> SQS for the input transformer cases.
 */
let env: Awaited<ReturnType<typeof localCloudWithClients>>;
beforeAll(async () => {
  env = await localCloudWithClients();
});
afterAll(() => env.cloud.stop());

describe('TestEventPattern conformance', () => {
  it.each(patternCases().map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    // Act
    const run = env.events.send(new TestEventPatternCommand({ EventPattern: testCase.patternJson, Event: testCase.eventJson }));

    // Assess
    if (testCase.expected === 'invalid-pattern' || testCase.expected === 'invalid-event') {
      const error = await run.then(() => undefined, (e: { name: string; message: string }) => e);
      expect(error?.name).toBe(testCase.awsError?.code ?? (testCase.expected === 'invalid-pattern' ? 'InvalidEventPatternException' : 'ValidationException'));
      if (testCase.awsError !== undefined && !testCase.awsError.message.includes('Unexpected character')) expect(error?.message).toBe(testCase.awsError.message);
    } else {
      expect((await run).Result).toBe(testCase.expected === 'match');
    }
  });
});

describe('patterns AWS applied to events put on a bus', () => {
  const delivered = patternCases().filter((c) => c.via === 'PutEvents->Rule->SQS');

  it.each(delivered.map((c, i) => [c.name, c, i] as const))('%s', async (_name, testCase, index) => {
    // Prepare: the case's pattern on a rule of its own bus, with an SQS target.
    const name = `routed-${index}`;
    const queueUrl = (await env.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    await env.events.send(new CreateEventBusCommand({ Name: name }));
    await env.events.send(new PutRuleCommand({ Name: name, EventBusName: name, EventPattern: testCase.patternJson }));
    await env.events.send(new PutTargetsCommand({ Rule: name, EventBusName: name, Targets: [{ Id: name, Arn: `arn:aws:sqs:us-east-1:000000000000:${name}` }] }));
    const event = testCase.event as { source: string; 'detail-type': string; detail: unknown };

    // Act
    await env.events.send(new PutEventsCommand({ Entries: [{ EventBusName: name, Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) }] }));
    const received = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: testCase.expected === 'match' ? 5 : 0 }));

    // Assess
    expect(received.Messages ?? []).toHaveLength(testCase.expected === 'match' ? 1 : 0);
  });
});

/** Placeholders the cases use for values AWS generated (and for the names of the case's bus and rule). */
function normalize(text: string, names: { id: string; bus: string; rule: string }): string {
  return text
    .split(names.id).join('<uuid>')
    .split(`rule/${names.bus}/`).join('rule/<bus-name>/')
    .split(`/${names.rule}`).join('/<rule-name>')
    .split(` ${names.rule} `).join(' <rule-name> ')
    .split('arn:aws:').join('arn:<partition>:')
    .split('us-east-1').join('<region>')
    .split('000000000000').join('111111111111')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, 'date');
}

describe('input path and input transformer conformance', () => {
  const cases = transformerCases();

  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, testCase, index) => {
    // Prepare: a rule with the case's pattern and one SQS target shaped by the case.
    const queueUrl = (await env.sqs.send(new CreateQueueCommand({ QueueName: `conformance-${index}` }))).QueueUrl!;
    const queueArn = `arn:aws:sqs:us-east-1:000000000000:conformance-${index}`;
    const bus = testCase.eventBus === 'custom' ? `conformance-bus-${index}` : 'default';
    if (bus !== 'default') await env.events.send(new CreateEventBusCommand({ Name: bus }));
    const ruleName = `conformance-${index}`;
    await env.events.send(new PutRuleCommand({ Name: ruleName, EventBusName: bus, EventPattern: JSON.stringify(testCase.rulePattern) }));
    const target = {
      Id: `target-${index}`,
      Arn: queueArn,
      ...(testCase.inputPath === undefined ? {} : { InputPath: testCase.inputPath }),
      ...(testCase.inputTransformer === undefined ? {} : { InputTransformer: testCase.inputTransformer }),
    };
    const putTargets = env.events.send(new PutTargetsCommand({ Rule: ruleName, EventBusName: bus, Targets: [target] }));
    if (testCase.expected === 'invalid-target') {
      const error = await putTargets.then(() => undefined, (e: { name: string; message: string }) => e);
      expect(error?.name).toBe(testCase.awsError!.code);
      expect(error?.message).toBe(testCase.awsError!.message.replace('<target-id>', target.Id));
      return;
    }
    await putTargets;

    // Act
    const put = await env.events.send(
      new PutEventsCommand({ Entries: [{ Source: testCase.event.source, DetailType: testCase.event['detail-type'], Detail: JSON.stringify(testCase.event.detail), EventBusName: bus }] }),
    );
    const eventId = put.Entries![0]!.EventId!;
    const received = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: testCase.expected === 'no-delivery' ? 0 : 5 }));

    // Assess
    const messages = received.Messages ?? [];
    if (testCase.expected === 'no-delivery') {
      expect(messages).toEqual([]);
      return;
    }
    expect(messages).toHaveLength(1);
    const body = messages[0]!.Body!;
    await env.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: messages[0]!.ReceiptHandle! }));
    const normalized = normalize(body, { id: eventId, bus, rule: ruleName });
    if (testCase.expectedBodyRaw !== undefined) expect(normalized).toBe(testCase.expectedBodyRaw);
    else expect(JSON.parse(normalized)).toEqual(testCase.expectedBodyJson);
  });
});
