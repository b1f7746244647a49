import type { OutputsFile } from '../assembly/references';
import type { ControlRoute } from '../gateway/server';
// The operator tools' own code (`npm run dlq`, `npm run redrive`): the console shows and does exactly
// what they do, through the AWS APIs of this endpoint. It is the one place the local cloud reaches into
// the app's tooling, because reasons live where the app puts them (its failure tables, found by its
// stack outputs); without an app's outputs the view says so.
import { listDeadLetters, redrive, selectQueues } from '../../scripts/operator/dead-letters';
import { ShopClient } from '../../scripts/shop-client';

export interface DeadLetterSources {
  /** The cloud's own endpoint (the tools speak AWS APIs to it). */
  readonly endpoint: () => string;
  /** The deployed app's stack outputs (where its DLQs are named), once deployed. */
  readonly outputs: () => OutputsFile | undefined;
}

/**
 * `GET /_local/console/api/dead-letters`: every DLQ of the app with its depth, and each message with
 * its reason, receive count, age and body. `POST /_local/console/api/redrive?queue=<name>`: moves a
 * DLQ's messages back where they came from. One at a time: listing receives the messages (as SQS
 * only lets one read them) and makes them visible again, so a second listing or a redrive must not
 * run in between.
 */
export function deadLetterRoutes(sources: DeadLetterSources): Record<string, ControlRoute> {
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  const withShop = async <T>(work: (shop: ShopClient) => Promise<T>): Promise<{ status: number; body: unknown }> => {
    const outputs = sources.outputs();
    if (outputs === undefined) return { status: 409, body: { message: 'no app is deployed on this local cloud (start it with an app: npm start or npm run local)' } };
    const shop = new ShopClient(outputs, sources.endpoint());
    try {
      return { status: 200, body: await oneAtATime(() => work(shop)) };
    } catch (error) {
      return { status: 400, body: { message: (error as Error).message } };
    } finally {
      shop.destroy();
    }
  };
  /** The queue's physical name (the topology's and the recorder's), from its URL. */
  const physicalName = (url: string) => url.split('/').pop() ?? url;

  return {
    'GET /_local/console/api/dead-letters': () =>
      withShop(async (shop) => {
        const queues = await shop.deadLetterCounts();
        const withMessages = queues.filter((q) => q.messages > 0);
        const letters = withMessages.length === 0 ? [] : await listDeadLetters(shop, withMessages);
        return {
          queues: queues.map((q) => ({ name: q.name, queueName: physicalName(q.url), messages: q.messages })),
          letters: letters.map((letter) => ({ ...letter, queueName: physicalName(queues.find((q) => q.name === letter.queue)?.url ?? letter.queue) })),
        };
      }),
    'POST /_local/console/api/redrive': async (_request, _body, url) => {
      const name = url.searchParams.get('queue');
      if (name === null || name === '') return { status: 400, body: { message: 'name the dead-letter queue to redrive: ?queue=<name> (or all)' } };
      return withShop(async (shop) => ({ results: await redrive(shop, selectQueues(shop, name)) }));
    },
  };
}
