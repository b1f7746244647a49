import { ListRulesCommand, ListTargetsByRuleCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { CATALOG, type CatalogEvent, type EventContract } from '../../functions/events';
import { peek, reasonOf } from '../../scripts/operator/dead-letters';
import { output } from '../../scripts/outputs';
import { readProducts, seedProducts } from '../../scripts/seed-products';
import { listTestEvents, loadTestEvent } from '../support/events';
import { malformedVariants, type MalformedKind } from '../support/malformed';
import { openTarget, type PipelineTarget } from './support/target';

/**
 * Bad input fuzzing through the deployed app: to every consumer queue, one batch that mixes valid
 * events with malformed ones of every kind (non-JSON bodies, non-events, unexpected detail-types, wrong
 * types, missing fields, oversized details, unknown schema versions), drawn by fast-check from a seed.
 * Every malformed message must end in its hop's DLQ with the reason logged and recorded, every valid
 * one must be processed (deleted, never parked), and no sandbox may crash.
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261122);
const VALID_PER_BATCH = 3;

interface Hop {
  readonly name: string;
  readonly queueUrl: string;
  readonly deadLetterQueue: { name: string; url: string };
  readonly pattern: string;
}

let target: PipelineTarget;
const logged: Array<{ functionName: string; entry: Record<string, unknown> }> = [];
const run = Date.now().toString(36);

beforeAll(async () => {
  target = await openTarget({
    onHandlerLog: (functionName, line) => {
      if (line.startsWith('{')) logged.push({ functionName, entry: JSON.parse(line) as Record<string, unknown> });
    },
  });
  await seedProducts(target.shop.dynamo, target.shop.table('Inventory'), readProducts(path.join(__dirname, '..', '..', 'data', 'products.json')));
});
afterAll(() => target.close());

/** The consumers, found as a user would: the domain bus's rules, their queue targets, the stack outputs. */
async function consumerHops(): Promise<Hop[]> {
  const { shop } = target;
  const bus = output(shop.outputs, 'DomainBusName');
  const byArn = new Map(
    Object.values(shop.outputs)
      .flatMap((values) => Object.entries(values))
      .filter(([key]) => key.endsWith('QueueArn') && !key.endsWith('DeadLetterQueueArn'))
      .map(([key, arn]) => [arn, key.replace(/QueueArn$/, '')]),
  );
  const hops: Hop[] = [];
  const { Rules = [] } = await shop.events.send(new ListRulesCommand({ EventBusName: bus }));
  for (const rule of Rules) {
    const { Targets = [] } = await shop.events.send(new ListTargetsByRuleCommand({ Rule: rule.Name!, EventBusName: bus }));
    for (const t of Targets) {
      const name = byArn.get(t.Arn!);
      if (name === undefined) continue;
      hops.push({
        name,
        queueUrl: output(shop.outputs, `${name}QueueUrl`),
        deadLetterQueue: { name: `${name}DeadLetterQueue`, url: output(shop.outputs, `${name}DeadLetterQueueUrl`) },
        pattern: rule.EventPattern!,
      });
    }
  }
  return hops.sort((a, b) => a.name.localeCompare(b.name));
}

/** Test events this hop's rule matches (asked of EventBridge), with fresh ids so nothing was seen before. */
async function validEventsFor(hop: Hop): Promise<Array<{ event: CatalogEvent<EventContract>; contract: EventContract }>> {
  const matching: Array<CatalogEvent<EventContract>> = [];
  for (const file of listTestEvents()) {
    const event = loadTestEvent(file);
    const { Result } = await target.shop.events.send(new TestEventPatternCommand({ EventPattern: hop.pattern, Event: JSON.stringify(event) }));
    if (Result === true) matching.push(event);
  }
  if (matching.length === 0) throw new Error(`no test event under test/events matches the rule of ${hop.name}`);
  return Array.from({ length: VALID_PER_BATCH }, (_, i) => {
    const template = matching[i % matching.length]!;
    const orderId = `fuzz-${run}-${hop.name}-${i}`;
    const event: CatalogEvent<EventContract> = {
      ...template,
      id: randomUUID(),
      time: new Date().toISOString(),
      detail: { metadata: { ...template.detail.metadata, correlationId: orderId }, data: { ...(template.detail.data as object), orderId } },
    };
    const contract = CATALOG.find((c) => c.source === event.source && c.detailType === event['detail-type'])!;
    return { event, contract };
  });
}

describe('malformed events to every consumer', () => {
  it('parks each malformed message in its DLQ with its reason, processes the valid ones of the same batch, crashes nothing', async () => {
    // Prepare: one batch per consumer queue, valid and malformed shuffled together.
    const hops = await consumerHops();
    expect(hops.map((h) => h.name)).toEqual(['AuthorizePayment', 'RecordEvent', 'RecordOrder', 'ReleaseStock', 'ReserveStock', 'ScheduleShipment', 'SendNotification', 'UpdateOrderStatus']);
    const sent = new Map<string, { hop: Hop; kind: MalformedKind | 'valid'; reason?: RegExp }>();
    const crashesBefore = target.cloud?.lambda.metrics.crashes ?? 0;

    // Act
    for (const [index, hop] of hops.entries()) {
      const valid = await validEventsFor(hop);
      const bad = malformedVariants(valid[0]!.event, valid[0]!.contract, SEED + index);
      // Valid ones at the start, middle and end of the batch: a bad neighbour on every side.
      const interleaved: Array<{ kind: MalformedKind | 'valid'; body: string; reason?: RegExp }> = [...bad];
      valid.forEach((v, i) => interleaved.splice(i * 4, 0, { kind: 'valid', body: JSON.stringify(v.event) }));
      const { Successful = [], Failed = [] } = await target.shop.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: hop.queueUrl, Entries: interleaved.map((m, i) => ({ Id: String(i), MessageBody: m.body })) }),
      );
      expect(Failed).toEqual([]);
      for (const ok of Successful) {
        const message = interleaved[Number(ok.Id)]!;
        sent.set(ok.MessageId!, { hop, kind: message.kind, ...(message.reason === undefined ? {} : { reason: message.reason }) });
      }
    }

    // Assess
    await target.eventually(async () => {
      for (const hop of hops) {
        const parked = new Map((await peek(target.shop, hop.deadLetterQueue.url)).map((m) => [m.MessageId!, m]));
        const ours = [...sent.entries()].filter(([, s]) => s.hop === hop);
        for (const [messageId, { kind, reason }] of ours) {
          const where = `${hop.name} ${kind} ${messageId}`;
          if (kind === 'valid') {
            expect({ where, parked: parked.has(messageId) }).toEqual({ where, parked: false });
            continue;
          }
          const message = parked.get(messageId);
          expect({ where, parked: message !== undefined }).toEqual({ where, parked: true });
          // The reason, as an operator sees it (`npm run dlq`) and as the function logged it.
          expect({ where, reason: await reasonOf(target.shop, hop.deadLetterQueue.name, message!) }).toEqual({ where, reason: expect.stringMatching(reason!) });
          if (target.cloud === undefined) continue; // handler logs are read here only on the local cloud
          const failures = logged.filter((l) => l.entry['message'] === 'record failed' && l.entry['messageId'] === messageId);
          expect({ where, logged: failures.length >= 1, reason: String(failures[0]?.entry['reason']) }).toEqual({ where, logged: true, reason: expect.stringMatching(reason!) });
        }
        // Nothing left behind: the valid messages were deleted, so they succeeded.
        const { Attributes = {} } = await target.shop.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: hop.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
        );
        expect({ hop: hop.name, visible: Attributes.ApproximateNumberOfMessages, inFlight: Attributes.ApproximateNumberOfMessagesNotVisible }).toEqual({ hop: hop.name, visible: '0', inFlight: '0' });
      }
    }, 240_000);
    const kinds = new Set([...sent.values()].map((s) => s.kind));
    expect(kinds.size).toBe(8);
    if (target.cloud !== undefined) expect(target.cloud.lambda.metrics.crashes - crashesBefore).toBe(0);
  });
});
