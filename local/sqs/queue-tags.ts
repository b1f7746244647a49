import { SqsErrors } from './errors';

/**
 * Cost allocation tags of SQS queues (CreateQueue's `tags`, TagQueue, UntagQueue, ListQueueTags).
 * Keys are case-sensitive; tagging a key again overwrites its value; untagging a key the queue does
 * not have is no error (LocalStack's AWS-validated test_tag_queue_overwrites_existing_tag,
 * test_tags_case_sensitive, test_untag_queue_ignores_non_existing_tag). Tags die with their queue.
 */
export class QueueTags<Queue extends object> {
  private readonly tags = new WeakMap<Queue, Map<string, string>>();

  /** Adds or overwrites tags; `tags` is the request's map. */
  tag(queue: Queue, tags: unknown, parameter = 'Tags'): void {
    if (tags === undefined && parameter === 'tags') return;
    if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) throw SqsErrors.missingParameter(parameter);
    const entries = Object.entries(tags as Record<string, unknown>);
    for (const [key, value] of entries) {
      if (typeof value !== 'string') throw SqsErrors.invalidParameterValue(`Value for tag ${key} must be a string.`);
    }
    const current = this.tags.get(queue) ?? new Map<string, string>();
    for (const [key, value] of entries) current.set(key, value as string);
    this.tags.set(queue, current);
  }

  untag(queue: Queue, keys: unknown): void {
    if (!Array.isArray(keys)) throw SqsErrors.missingParameter('TagKeys');
    const current = this.tags.get(queue);
    for (const key of keys) if (typeof key === 'string') current?.delete(key);
  }

  /** ListQueueTags' answer: AWS leaves `Tags` out when the queue has none (test_tag_untag_queue). */
  list(queue: Queue): { Tags?: Record<string, string> } {
    const current = this.tags.get(queue);
    return current === undefined || current.size === 0 ? {} : { Tags: Object.fromEntries(current) };
  }
}
