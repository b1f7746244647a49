import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalCloud } from '../../local/cloud';
import { CONSOLE_FILES } from '../../local/console/static-routes';
import { localCloudWithClients } from '../support/local-cloud';

/**
 * The console's routes on a local cloud without an app (no DynamoDB, fast): its pages are served as
 * they are with their content types, every module a page imports is there, and the JSON routes read
 * the resources made through the AWS APIs (bus -> rule -> queue, with their dead-letter queues).
 */
let cloud: LocalCloud;
let clients: Awaited<ReturnType<typeof localCloudWithClients>>;

beforeAll(async () => {
  clients = await localCloudWithClients({ dynamodb: false });
  cloud = clients.cloud;
});
afterAll(async () => {
  clients.events.destroy();
  clients.sqs.destroy();
  await cloud.stop();
});

const get = (route: string) => fetch(`${cloud.endpoint}${route}`);

it('serves the page and every module it loads, each with its content type', async () => {
  // Act
  const page = await get('/_local/console');
  const html = await page.text();

  // Assess
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(html).toContain('<script type="module" src="/_local/console/app.js">');
  const modules = fs.readdirSync(CONSOLE_FILES).filter((file) => file.endsWith('.js'));
  const imported = new Set(modules.flatMap((file) => [...fs.readFileSync(path.join(CONSOLE_FILES, file), 'utf8').matchAll(/from '\.\/([\w-]+\.js)'/g)].map((m) => m[1]!)));
  expect([...imported].every((file) => modules.includes(file))).toBe(true);
  for (const file of [...modules, 'console.css']) {
    const response = await get(`/_local/console/${file}`);
    expect({ file, status: response.status, type: response.headers.get('content-type') }).toEqual({ file, status: 200, type: file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8' });
  }
  expect((await get('/_local/console/nothing.js')).status).toBe(404);
});

it('reads the topology and the queue depths from the services', async () => {
  // Prepare: bus -> rule -> queue (redrive to a DLQ), the rule target with a DLQ of its own.
  const { sqs, events } = clients;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'console-dlq' }));
  const targetDlq = await sqs.send(new CreateQueueCommand({ QueueName: 'console-target-dlq' }));
  const arnOf = async (url: string) => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'console-work', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq.QueueUrl!), maxReceiveCount: 3 }) } }));
  await events.send(new CreateEventBusCommand({ Name: 'console-bus' }));
  await events.send(new PutRuleCommand({ Name: 'console-rule', EventBusName: 'console-bus', EventPattern: JSON.stringify({ source: ['console.test'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'console-rule', EventBusName: 'console-bus', Targets: [{ Id: 'q', Arn: await arnOf(queue.QueueUrl!), DeadLetterConfig: { Arn: await arnOf(targetDlq.QueueUrl!) } }] }));
  await sqs.send(new SendMessageCommand({ QueueUrl: queue.QueueUrl!, MessageBody: 'waiting' }));

  // Act
  const topology = (await (await get('/_local/console/api/topology')).json()) as { nodes: Array<{ id: string; deadLetter?: boolean }>; edges: Array<{ from: string; to: string; kind: string }> };
  const counts = (await (await get('/_local/console/api/counts')).json()) as { queues: Record<string, { visible: number; inFlight: number }> };

  // Assess
  expect(topology.edges).toEqual(
    expect.arrayContaining([
      { from: 'bus:console-bus', to: 'rule:console-bus/console-rule', kind: 'matches' },
      { from: 'rule:console-bus/console-rule', to: 'queue:console-work', kind: 'delivers' },
      { from: 'rule:console-bus/console-rule', to: 'queue:console-target-dlq', kind: 'dead-letter' },
      { from: 'queue:console-work', to: 'queue:console-dlq', kind: 'dead-letter' },
    ]),
  );
  expect(topology.nodes.filter((n) => n.deadLetter).map((n) => n.id).sort()).toEqual(['queue:console-dlq', 'queue:console-target-dlq']);
  expect(counts.queues['console-work']).toMatchObject({ visible: 1, inFlight: 0 });
});

it('answers the other routes clearly without an app, chaos or such a function', async () => {
  // Act
  const faults = await (await get('/_local/console/api/faults')).json();
  const deadLetters = await get('/_local/console/api/dead-letters');
  const logs = await get('/_local/console/api/logs?function=no-such-function');
  const redrive = await fetch(`${cloud.endpoint}/_local/console/api/redrive`, { method: 'POST' });

  // Assess
  expect(faults).toEqual({ enabled: false });
  expect(deadLetters.status).toBe(409);
  expect(((await deadLetters.json()) as { message: string }).message).toMatch(/no app is deployed/);
  expect(logs.status).toBe(404);
  expect(((await logs.json()) as { message: string }).message).toBe('no function named no-such-function on this local cloud');
  expect(redrive.status).toBe(400);
});
