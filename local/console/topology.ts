import { parseStreamArn } from '../dynamodb/stream-reader';
import type { EventBridgeService } from '../eventbridge/eventbridge-service';
import type { EventSourceMappings } from '../lambda/event-source-mappings';
import type { LambdaService } from '../lambda/lambda-service';
import type { SqsService } from '../sqs/sqs-service';

export type NodeKind = 'bus' | 'rule' | 'queue' | 'function' | 'table';

/** A deployed resource, by the name the services and the flight recorder use for it. */
export interface TopologyNode {
  /** `<kind>:<name>`; a rule's name is `<bus>/<rule>` (rule names are unique per bus only). */
  readonly id: string;
  readonly kind: NodeKind;
  readonly name: string;
  /** A queue that is some other resource's dead-letter queue or on-failure destination. */
  readonly deadLetter?: boolean;
  /** A function fed by a table's stream (an outbox relay). */
  readonly relay?: boolean;
  /** A function's log group (the logs view filters by it). */
  readonly logGroup?: string;
}

export type EdgeKind = 'matches' | 'delivers' | 'dead-letter' | 'polls' | 'writes' | 'streams' | 'publishes';

export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
}

export interface Topology {
  readonly nodes: TopologyNode[];
  readonly edges: TopologyEdge[];
}

/** The services the topology is read from (the narrow parts it uses). */
export interface TopologySources {
  readonly eventBridge: Pick<EventBridgeService, 'allRules'>;
  readonly sqs: Pick<SqsService, 'allQueues'>;
  readonly lambda: Pick<LambdaService, 'all'>;
  readonly mappings: Pick<EventSourceMappings, 'runtimes' | 'streamRuntimes'>;
  /** The tables DynamoDB holds (names). */
  readonly tables: () => Promise<readonly string[]>;
}

/** `arn:aws:events:<region>:<account>:event-bus/<name>` -> `<name>`. */
const busOfArn = (arn: string): string | undefined => /:event-bus\/(.+)$/.exec(arn)?.[1];

/**
 * The deployed app as a graph: buses -> rules -> their targets (queues, functions, buses) -> the
 * functions polling those queues -> the tables they write; a table's stream -> its relay function ->
 * the bus it publishes to; every dead-letter queue beside what feeds it. Read from the running
 * services (what the deployment created), not from the templates, so names are the physical ones the
 * flight recorder's hops carry. A function's tables and bus are the ones its environment names (how
 * the app's handlers find them); the local cloud knows nothing of the app beyond that.
 */
export async function readTopology(sources: TopologySources): Promise<Topology> {
  const nodes = new Map<string, TopologyNode>();
  const edges = new Map<string, TopologyEdge>();
  const node = (kind: NodeKind, name: string, extra: Partial<TopologyNode> = {}): string => {
    const id = `${kind}:${name}`;
    nodes.set(id, { ...nodes.get(id), id, kind, name, ...extra });
    return id;
  };
  const edge = (from: string, to: string, kind: EdgeKind) => edges.set(`${from}>${to}`, { from, to, kind });

  const queuesByArn = new Map(sources.sqs.allQueues().map((q) => [q.arn, q]));
  /** `from`'s dead-letter queue or on-failure destination, when it is one of the cloud's queues. */
  const deadLetter = (from: string, arn: string | undefined): void => {
    const queue = arn === undefined ? undefined : queuesByArn.get(arn);
    if (queue !== undefined) edge(from, node('queue', queue.name, { deadLetter: true }), 'dead-letter');
  };
  const functions = sources.lambda.all();
  const functionsByArn = new Map(functions.map((f) => [f.arn, f]));
  /** A target ARN as a node: a queue, a function or a bus (anything else is left out). */
  const targetNode = (arn: string): string | undefined => {
    const queue = queuesByArn.get(arn);
    if (queue !== undefined) return node('queue', queue.name);
    const fn = functionsByArn.get(arn) ?? functionsByArn.get(arn.replace(/:[^:]+$/, ''));
    if (fn !== undefined) return node('function', fn.name);
    const bus = busOfArn(arn);
    return bus === undefined ? undefined : node('bus', bus);
  };

  for (const rule of sources.eventBridge.allRules()) {
    const ruleId = node('rule', `${rule.busName}/${rule.name}`);
    edge(node('bus', rule.busName), ruleId, 'matches');
    for (const { spec } of rule.targets.values()) {
      const to = targetNode(spec.Arn);
      if (to !== undefined) edge(ruleId, to, 'delivers');
      deadLetter(ruleId, spec.DeadLetterConfig?.Arn);
    }
  }
  for (const queue of queuesByArn.values()) {
    const target = queue.redrivePolicy?.deadLetterTargetArn;
    // Checked first: `node` adds the queue to the graph, and one without a dead-letter queue is not added here.
    if (target !== undefined && queuesByArn.has(target)) deadLetter(node('queue', queue.name), target);
  }
  for (const mapping of sources.mappings.runtimes()) {
    edge(node('queue', mapping.config.queue.name), node('function', mapping.config.fn.name), 'polls');
  }
  const tables = new Set(await sources.tables());
  for (const mapping of sources.mappings.streamRuntimes()) {
    const table = parseStreamArn(mapping.config.streamArn)?.table;
    if (table === undefined) continue;
    tables.add(table);
    const fn = node('function', mapping.config.fn.name, { relay: true });
    edge(node('table', table), fn, 'streams');
    deadLetter(fn, mapping.config.onFailure);
  }
  const buses = new Set([...nodes.values()].filter((n) => n.kind === 'bus').map((n) => n.name));
  for (const fn of functions) {
    const id = node('function', fn.name, { logGroup: fn.config.logGroup ?? `/aws/lambda/${fn.name}` });
    for (const value of Object.values(fn.config.environment)) {
      if (tables.has(value)) edge(id, node('table', value), 'writes');
      const bus = busOfArn(value) ?? value;
      if (buses.has(bus)) edge(id, node('bus', bus), 'publishes');
    }
    deadLetter(id, fn.deadLetterTargetArn ?? fn.eventInvokeConfig?.destinationConfig?.OnFailure?.Destination);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** What the services count themselves, read at each poll: queue depths and event source mapping totals. */
export interface LiveCounts {
  /** By queue name: messages visible, in flight and delayed now. */
  readonly queues: Record<string, { visible: number; inFlight: number; delayed: number }>;
  /** By `<queue or table node id>><function node id>`: the batches and records its mapping handed over, and those that failed. */
  readonly mappings: Record<string, { batches: number; records: number; failed: number }>;
}

/** The counts the services keep, without the flight recorder (it adds rules matched, invocations, writes). */
export function readLiveCounts(sources: Pick<TopologySources, 'sqs' | 'mappings'>): LiveCounts {
  const queues: LiveCounts['queues'] = {};
  for (const queue of sources.sqs.allQueues()) {
    const { ready, inflight, delayed } = queue.approximate;
    queues[queue.name] = { visible: ready, inFlight: inflight, delayed };
  }
  const mappings: LiveCounts['mappings'] = {};
  const add = (key: string, batches: number, records: number, failed: number) => {
    const sum = mappings[key] ?? { batches: 0, records: 0, failed: 0 };
    mappings[key] = { batches: sum.batches + batches, records: sum.records + records, failed: sum.failed + failed };
  };
  for (const m of sources.mappings.runtimes()) add(`queue:${m.config.queue.name}>function:${m.config.fn.name}`, m.metrics.batches, m.metrics.messages, m.metrics.failedMessages);
  for (const m of sources.mappings.streamRuntimes()) {
    const table = parseStreamArn(m.config.streamArn)?.table;
    if (table !== undefined) add(`table:${table}>function:${m.config.fn.name}`, m.metrics.batches, m.metrics.records, m.metrics.failedRecords);
  }
  return { queues, mappings };
}
