import { SystemClock, type Clock } from './clock';
import { EventBridgeService } from './eventbridge/eventbridge-service';
import type { DeliveryFault } from './eventbridge/delivery';
import { Gateway, type GatewayService } from './gateway/server';
import { SqsService } from './sqs/sqs-service';

export interface LocalCloudOptions {
  /** @default 4566, as LocalStack */
  readonly port?: number;
  /** @default 127.0.0.1: the local cloud is not reachable from other machines unless asked. */
  readonly host?: string;
  readonly region?: string;
  readonly accountId?: string;
  /** @default a SystemClock; tests pass a ManualClock. */
  readonly clock?: Clock;
  /** First EventBridge delivery retry delay. @default 1000 */
  readonly retryBaseDelayMs?: number;
  readonly deliveryFault?: DeliveryFault;
  readonly log?: (message: string) => void;
}

/** The running local cloud: its endpoint, services and clock. */
export interface LocalCloud {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly clock: Clock;
  readonly sqs: SqsService;
  readonly eventBridge: EventBridgeService;
  stop(): Promise<void>;
}

/** Starts EventBridge and SQS behind one AWS-compatible endpoint. */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const clock = options.clock ?? new SystemClock();
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  let endpoint = '';
  const sqs = new SqsService({ clock, region, accountId, baseUrl: () => endpoint });
  const eventBridge = new EventBridgeService({
    clock,
    sqs,
    region,
    accountId,
    ...(options.retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs: options.retryBaseDelayMs }),
    ...(options.deliveryFault === undefined ? {} : { fault: options.deliveryFault }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const services: GatewayService[] = [
    { targetPrefix: 'AWSEvents', name: 'events', contentType: 'application/x-amz-json-1.1', handle: (op, input) => eventBridge.handle(op, input) },
    { targetPrefix: 'AmazonSQS', name: 'sqs', contentType: 'application/x-amz-json-1.0', handle: (op, input) => sqs.handle(op, input) },
  ];
  const gateway = new Gateway({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 4566,
    services,
    controls: {
      'GET /_local/health': async () => ({ status: 200, body: { status: 'running', services: Object.fromEntries(services.map((s) => [s.name, 'running'])) } }),
    },
  });
  endpoint = await gateway.listen();
  return {
    endpoint,
    region,
    accountId,
    clock,
    sqs,
    eventBridge,
    stop: async () => {
      for (const queue of sqs.allQueues()) queue.cancelWaits();
      await gateway.close();
      if (clock instanceof SystemClock) clock.stop();
    },
  };
}
