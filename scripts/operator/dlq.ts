/**
 * `npm run dlq -- <queue|all> [--target local|localstack|aws] [--json]`: lists the messages of the
 * app's dead-letter queues with their failure reason, receive count and age. AWS APIs only.
 */
import { listDeadLetters, selectQueues } from './dead-letters';
import { parseToolArgs } from './target-args';

async function main(): Promise<void> {
  const { shop, values, positionals } = parseToolArgs(process.argv.slice(2), {});
  try {
    const letters = await listDeadLetters(shop, selectQueues(shop, positionals[0]));
    if (values['json']) {
      process.stdout.write(`${JSON.stringify(letters)}\n`);
      return;
    }
    if (letters.length === 0) process.stdout.write('no messages in the selected dead-letter queues\n');
    for (const letter of letters) {
      process.stdout.write(`${letter.queue}  ${letter.messageId}  received ${letter.receiveCount}×  ${letter.ageSeconds}s old\n  reason: ${letter.reason}\n  body:   ${letter.body.slice(0, 200)}\n`);
    }
  } finally {
    shop.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`dlq: ${(error as Error).message}\n`);
  process.exit(1);
});
