import { EventsErrors } from './errors';

export interface Tag {
  Key: string;
  Value: string;
}

/**
 * Tags of EventBridge resources, by ARN. A resource's tags go with it: deleting a bus or a rule
 * drops them, so a resource created again under the same name starts untagged (recorded on AWS:
 * test_events_tags.py::test_recreate_tagged_resource_without_tags).
 */
export class TagStore {
  private readonly tags = new Map<string, Map<string, string>>();

  /** Adds or overwrites tags, keeping the order keys were first set in. */
  tag(arn: string, tags: unknown): void {
    const current = this.tags.get(arn) ?? new Map<string, string>();
    for (const tag of parseTags(tags)) current.set(tag.Key, tag.Value);
    this.tags.set(arn, current);
  }

  /** Removes keys; keys the resource does not have are ignored, as AWS does. */
  untag(arn: string, keys: unknown): void {
    if (!Array.isArray(keys)) throw EventsErrors.validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
    const current = this.tags.get(arn);
    for (const key of keys) current?.delete(String(key));
  }

  list(arn: string): Tag[] {
    return [...(this.tags.get(arn) ?? new Map<string, string>())].map(([Key, Value]) => ({ Key, Value }));
  }

  drop(arn: string): void {
    this.tags.delete(arn);
  }
}

function parseTags(tags: unknown): Tag[] {
  if (!Array.isArray(tags)) throw EventsErrors.validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
  return tags.map((tag: unknown) => {
    const { Key, Value } = (tag ?? {}) as Partial<Tag>;
    if (typeof Key !== 'string' || typeof Value !== 'string') throw EventsErrors.validation('Each tag needs a Key and a Value.');
    return { Key, Value };
  });
}
