import type { ParameterStore } from './provider';

const SSM_REFERENCE = /\{\{resolve:ssm:([a-zA-Z0-9_.\-/]+)(?::(\d+))?\}\}/g;

/**
 * Replaces `{{resolve:ssm:name}}` and `{{resolve:ssm:name:version}}` in every string of resolved
 * properties with the parameter's value. A missing parameter (or no parameter store) is an error
 * naming it; other dynamic references (`secretsmanager`, `ssm-secure`) are left as they are.
 */
export function resolveDynamicReferences<T>(value: T, ssm: ParameterStore | undefined): T {
  if (typeof value === 'string') {
    if (!value.includes('{{resolve:ssm:')) return value;
    return value.replace(SSM_REFERENCE, (_match, name: string) => {
      const stored = ssm?.get(name);
      if (stored === undefined) throw new Error(`Unable to fetch parameters [${name}] from parameter store for this account.`);
      return stored.value;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((item) => resolveDynamicReferences(item, ssm)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveDynamicReferences(item, ssm)])) as T;
  }
  return value;
}
