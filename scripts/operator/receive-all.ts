import { GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { ShopClient } from '../shop-client';

/** How long one receive waits for a message (long polling: SQS asks all its servers, not a sample). */
const LONG_POLL_SECONDS = 2;

/**
 * Receives every message a queue holds now, each kept invisible for `visibilityTimeout` seconds.
 * Safe on AWS, where a short poll samples some servers and one empty answer proves nothing: it
 * reads the queue's approximate count first (nothing to receive when it says none), then long-polls
 * until it has seen that many messages or a long poll comes back empty.
 */
export async function receiveAll(
  shop: ShopClient,
  url: string,
  options: { readonly visibilityTimeout: number; readonly attributes?: boolean },
): Promise<Message[]> {
  const { Attributes = {} } = await shop.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
  const expected = Number(Attributes['ApproximateNumberOfMessages'] ?? 0);
  const seen = new Map<string, Message>();
  while (expected > 0 && seen.size < expected) {
    const { Messages = [] } = await shop.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: LONG_POLL_SECONDS,
        VisibilityTimeout: options.visibilityTimeout,
        ...(options.attributes === false ? {} : { MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
      }),
    );
    const fresh = Messages.filter((m) => !seen.has(m.MessageId!));
    for (const m of fresh) seen.set(m.MessageId!, m);
    if (Messages.length === 0) break;
  }
  return [...seen.values()];
}
