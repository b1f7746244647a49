/**
 * `npm run redrive -- <queue|all> [--target local|localstack|aws] [--json]`: moves the messages of
 * the app's dead-letter queues back to where they came from. AWS APIs only.
 */
import { redrive, selectQueues } from './dead-letters';
import { parseToolArgs } from './target-args';

async function main(): Promise<void> {
  const { shop, values, positionals } = parseToolArgs(process.argv.slice(2), {});
  try {
    const results = await redrive(shop, selectQueues(shop, positionals[0]));
    if (values['json']) process.stdout.write(`${JSON.stringify(results)}\n`);
    else for (const r of results) process.stdout.write(`${r.queue}: ${r.moved} moved (${r.how})\n`);
  } finally {
    shop.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`redrive: ${(error as Error).message}\n`);
  process.exit(1);
});
