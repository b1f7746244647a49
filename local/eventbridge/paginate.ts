import { ConstraintCheck } from './constraints';

/**
 * `Limit` / `NextToken` paging over a list, as EventBridge's List* operations do: Limit, when
 * given, is 1 to 100 (the API model's constraint, checked like AWS's other model constraints).
 */
export function paginate<T>(items: T[], input: Record<string, unknown>, key: string): Record<string, unknown> {
  const check = new ConstraintCheck();
  check.range(input['Limit'], 'limit', 1, 100);
  check.throwIfFailed();
  const limit = input['Limit'] === undefined ? 100 : Number(input['Limit']);
  const start = typeof input['NextToken'] === 'string' ? Number(Buffer.from(input['NextToken'], 'base64').toString()) || 0 : 0;
  const page = items.slice(start, start + limit);
  return { [key]: page, ...(start + limit < items.length ? { NextToken: Buffer.from(String(start + limit)).toString('base64') } : {}) };
}
