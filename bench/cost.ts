import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalCloud } from '../local/cloud';
import { round } from './stats';
import { streamReads } from './stream-reads';

/** What a run asked of AWS, as the local cloud counted it. */
export interface Usage {
  /** Custom events published (PutEvents entries accepted, and events a rule sent on to another bus). */
  eventbridgeEvents: number;
  /** SQS requests: API calls, EventBridge's sends to queues, and the event source mappings' receives (those that returned messages) and deletes. */
  sqsRequests: number;
  lambdaInvocations: number;
  /** The outbox relays' invocations (their stream mappings' batches): part of lambdaInvocations, shown apart. */
  relayInvocations: number;
  /** From each invocation's measured duration, rounded up to the millisecond, and its configured memory. */
  lambdaGbSeconds: number;
  dynamodbWriteUnits: number;
  dynamodbReadUnits: number;
  /** Items written to DynamoDB (a transaction of three counts three). */
  dynamodbWriteItems: number;
  /** GetRecords requests of the stream mappings (streams read request units; free for Lambda triggers). */
  dynamodbStreamReadRequests: number;
  /** Bytes the handlers logged (what CloudWatch Logs would ingest, platform lines aside). */
  logBytes: number;
}

export function readUsage(cloud: LocalCloud, logBytes: number): Usage {
  const delivered = cloud.eventBridge.deliveries.deliveredTo;
  const mappings = cloud.deployment?.mappings ?? [];
  const capacity = cloud.dynamodbMeter?.snapshot() ?? { readUnits: 0, writeUnits: 0, writeItems: 0 };
  return {
    eventbridgeEvents: cloud.eventBridge.metrics.entries + (delivered.get('events') ?? 0),
    sqsRequests:
      [...cloud.sqs.requestCounts.values()].reduce((a, b) => a + b, 0) +
      (delivered.get('sqs') ?? 0) +
      mappings.reduce((sum, m) => sum + m.metrics.receiveRequests + m.metrics.deleteRequests, 0),
    lambdaInvocations: cloud.lambda.metrics.invocations,
    relayInvocations: cloud.mappings.streamRuntimes().reduce((sum, m) => sum + m.metrics.batches, 0),
    lambdaGbSeconds: cloud.lambda.metrics.gbSeconds,
    dynamodbWriteUnits: capacity.writeUnits,
    dynamodbReadUnits: capacity.readUnits,
    dynamodbWriteItems: capacity.writeItems,
    dynamodbStreamReadRequests: streamReads.requests,
    logBytes,
  };
}

export function subtractUsage(after: Usage, before: Usage): Usage {
  return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - before[key as keyof Usage]])) as unknown as Usage;
}

interface Price {
  usd: number;
  source: string;
}
export interface PriceList {
  region: string;
  currency: string;
  retrieved: string;
  prices: Record<
    | 'eventbridgeCustomEventPerMillion'
    | 'sqsStandardRequestPerMillion'
    | 'lambdaRequestPerMillion'
    | 'lambdaArmGbSecond'
    | 'dynamodbOnDemandWriteUnitPerMillion'
    | 'dynamodbOnDemandReadUnitPerMillion'
    | 'dynamodbStreamsReadRequestByLambdaPerMillion'
    | 'cloudwatchLogsIngestedPerGb',
    Price
  >;
}

export function readPrices(file = path.join(__dirname, 'prices.json')): PriceList {
  const list = JSON.parse(fs.readFileSync(file, 'utf8')) as PriceList;
  for (const [name, price] of Object.entries(list.prices)) {
    if (typeof price?.usd !== 'number' || typeof price.source !== 'string') throw new Error(`${file}: price ${name} needs a number "usd" and a "source"`);
  }
  return list;
}

/** Dollars per million orders, by service, from a run's usage over its orders. */
export function costPerMillionOrders(usage: Usage, orders: number, list: PriceList): { total: number; byService: Record<string, number> } {
  const p = list.prices;
  const perOrder = (value: number) => value / orders;
  const byService = {
    eventbridge: perOrder(usage.eventbridgeEvents) * p.eventbridgeCustomEventPerMillion.usd,
    sqs: perOrder(usage.sqsRequests) * p.sqsStandardRequestPerMillion.usd,
    lambdaRequests: perOrder(usage.lambdaInvocations) * p.lambdaRequestPerMillion.usd,
    lambdaDuration: perOrder(usage.lambdaGbSeconds) * 1e6 * p.lambdaArmGbSecond.usd,
    dynamodb: perOrder(usage.dynamodbWriteUnits) * p.dynamodbOnDemandWriteUnitPerMillion.usd + perOrder(usage.dynamodbReadUnits) * p.dynamodbOnDemandReadUnitPerMillion.usd,
    dynamodbStreams: perOrder(usage.dynamodbStreamReadRequests) * p.dynamodbStreamsReadRequestByLambdaPerMillion.usd,
    logs: ((perOrder(usage.logBytes) * 1e6) / 2 ** 30) * p.cloudwatchLogsIngestedPerGb.usd,
  };
  const rounded = Object.fromEntries(Object.entries(byService).map(([k, v]) => [k, round(v, 2)]));
  return { total: round(Object.values(byService).reduce((a, b) => a + b, 0), 2), byService: rounded };
}
