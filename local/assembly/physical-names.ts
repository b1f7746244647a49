/**
 * The local cloud names resources the way CloudFormation does when a template names none: from the
 * stack name and the logical id, but without CloudFormation's random suffix, so names are stable
 * across restarts and tools can find them.
 */
export function physicalName(stackName: string, logicalId: string, maxLength = 80): string {
  const name = `${stackName}-${logicalId}`;
  return name.length <= maxLength ? name : name.slice(0, maxLength);
}
