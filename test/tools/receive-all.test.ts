import { GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { receiveAll } from '../../scripts/operator/receive-all';
import type { ShopClient } from '../../scripts/shop-client';

/**
 * A queue as SQS serves it at scale: a short poll (WaitTimeSeconds 0) samples a few servers and may
 * find nothing while messages wait; a long poll asks them all. Counts are what the queue holds.
 */
function sampledQueue(count: number) {
  const waiting: Message[] = Array.from({ length: count }, (_, i) => ({ MessageId: `m${i}`, Body: `{"n":${i}}` }));
  const calls: Array<{ command: string; wait?: number }> = [];
  const sqs = {
    send: async (command: unknown) => {
      if (command instanceof GetQueueAttributesCommand) {
        calls.push({ command: 'GetQueueAttributes' });
        return { Attributes: { ApproximateNumberOfMessages: String(waiting.length) } };
      }
      if (command instanceof ReceiveMessageCommand) {
        const wait = command.input.WaitTimeSeconds ?? 0;
        calls.push({ command: 'ReceiveMessage', wait });
        if (wait === 0) return {};
        return { Messages: waiting.splice(0, Math.min(3, command.input.MaxNumberOfMessages ?? 1)) };
      }
      throw new Error('unexpected command');
    },
  };
  return { shop: { sqs } as unknown as ShopClient, calls };
}

describe('receiveAll (operator tools reading a DLQ)', () => {
  it('gets every message of a queue whose short polls find nothing, by long polling up to its count', async () => {
    const { shop, calls } = sampledQueue(7);
    const messages = await receiveAll(shop, 'https://sqs/dlq', { visibilityTimeout: 60 });
    expect(messages.map((m) => m.MessageId).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(calls.filter((c) => c.command === 'ReceiveMessage').every((c) => (c.wait ?? 0) > 0)).toBe(true);
  });

  it('receives nothing from a queue that counts no message', async () => {
    const { shop, calls } = sampledQueue(0);
    expect(await receiveAll(shop, 'https://sqs/dlq', { visibilityTimeout: 60 })).toEqual([]);
    expect(calls).toEqual([{ command: 'GetQueueAttributes' }]);
  });
});
