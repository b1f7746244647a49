import { createHash } from 'node:crypto';

/**
 * The local cloud names resources the way CloudFormation does when a template names none: from the
 * stack name and the logical id, but without CloudFormation's random suffix, so names are stable
 * across restarts and tools can find them. Names too long for the service keep a hash of the whole.
 */
export function physicalName(stackName: string, logicalId: string, maxLength = 80): string {
  const name = `${stackName}-${logicalId}`;
  if (name.length <= maxLength) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, maxLength - 9)}-${hash}`;
}
