import { ConstraintCheck } from './constraints';
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

/** Tags as the API model constrains them: a key of 1-128 characters and a value of at most 256, both required. */
function parseTags(tags: unknown): Tag[] {
  if (!Array.isArray(tags)) throw EventsErrors.validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
  const check = new ConstraintCheck();
  for (const [index, tag] of (tags as Array<Partial<Tag> | null>).entries()) {
    const at = `tags.${index + 1}.member`;
    if (check.required(tag?.Key, `${at}.key`)) check.text(tag?.Key, `${at}.key`, { min: 1, max: 128 });
    if (check.required(tag?.Value, `${at}.value`)) check.text(tag?.Value, `${at}.value`, { max: 256 });
  }
  check.throwIfFailed();
  return (tags as Tag[]).map(({ Key, Value }) => ({ Key: String(Key), Value: String(Value) }));
}
