import { ConstraintCheck } from './constraints';
import { EventsErrors } from './errors';

type Input = Record<string, unknown>;

/** A resource-based policy of an event bus, as DescribeEventBus returns it (JSON text). */
export interface BusPolicy {
  Version: string;
  Statement: Array<Record<string, unknown>>;
}

/**
 * PutPermission: either replaces the whole policy (`Policy`), or adds the statement that lets a
 * principal (an account id, or `*`) call `Action` on the bus, replacing a statement with the same
 * id. An account becomes `{"AWS": "arn:aws:iam::<account>:root"}` (recorded on AWS:
 * test_events.py::TestEventBus::test_put_permission).
 */
export function putPermission(current: BusPolicy | undefined, busArn: string, input: Input): BusPolicy {
  if (typeof input['Policy'] === 'string') {
    try {
      const policy = JSON.parse(input['Policy']) as BusPolicy;
      if (policy === null || typeof policy !== 'object' || !Array.isArray(policy.Statement)) throw new Error('no Statement');
      return policy;
    } catch {
      throw EventsErrors.validation('The policy is not valid JSON.');
    }
  }
  const check = new ConstraintCheck();
  check.text(input['Action'], 'action', { pattern: 'events:[a-zA-Z]+', min: 1, max: 64 });
  check.text(input['Principal'], 'principal', { pattern: '(\\d{12}|\\*)', min: 1, max: 12 });
  check.text(input['StatementId'], 'statementId', { pattern: '[a-zA-Z0-9-_]+', min: 1, max: 64 });
  check.throwIfFailed();
  const { Action, Principal, StatementId } = input;
  if (typeof Action !== 'string' || typeof Principal !== 'string' || typeof StatementId !== 'string') {
    throw EventsErrors.validation('Parameter(s) Action, Principal and StatementId must be specified.');
  }
  const condition = input['Condition'] as { Type?: string; Key?: string; Value?: string } | undefined;
  const statement: Record<string, unknown> = {
    Sid: StatementId,
    Effect: 'Allow',
    Principal: Principal === '*' ? '*' : { AWS: `arn:aws:iam::${Principal}:root` },
    Action,
    Resource: busArn,
    ...(condition?.Type && condition.Key ? { Condition: { [condition.Type]: { [condition.Key]: condition.Value } } } : {}),
  };
  const others = (current?.Statement ?? []).filter((s) => s['Sid'] !== StatementId);
  const index = (current?.Statement ?? []).findIndex((s) => s['Sid'] === StatementId);
  const statements = index < 0 ? [...others, statement] : [...others.slice(0, index), statement, ...others.slice(index)];
  return { Version: current?.Version ?? '2012-10-17', Statement: statements };
}

/**
 * RemovePermission: drops one statement by id, or the whole policy. A statement id the policy does
 * not hold (or a bus without a policy) is ResourceNotFoundException "Statement with the provided id
 * does not exist." (recorded on AWS: test_remove_permission_non_existing_sid). Returns the policy
 * left, undefined when none.
 */
export function removePermission(current: BusPolicy | undefined, input: Input): BusPolicy | undefined {
  if (input['RemoveAllPermissions'] === true) {
    if (current === undefined) throw EventsErrors.notFound('EventBus does not have a policy.');
    return undefined;
  }
  const id = input['StatementId'];
  if (typeof id !== 'string' || id === '') throw EventsErrors.validation('Parameter StatementId is required when RemoveAllPermissions is false.');
  const statements = current?.Statement ?? [];
  if (!statements.some((s) => s['Sid'] === id)) throw EventsErrors.notFound('Statement with the provided id does not exist.');
  const left = statements.filter((s) => s['Sid'] !== id);
  return left.length === 0 ? undefined : { Version: current?.Version ?? '2012-10-17', Statement: left };
}
