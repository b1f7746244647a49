import { EventsErrors } from './errors';

/** The name patterns of EventBridge's API model, as its validation messages print them. */
export const NAME_PATTERN = '[\\.\\-_A-Za-z0-9]+';
export const BUS_NAME_PATTERN = '[/\\.\\-_A-Za-z0-9]+';

/**
 * Checks a request against the constraints of EventBridge's API model (required members, lengths,
 * patterns, enums) the way AWS's front end does before the operation runs: every failure is
 * collected, in the order the members are checked, into one ValidationException
 * `N validation error(s) detected: Value 'x' at 'member' failed to satisfy constraint: ...; ...`.
 * For one member the pattern is reported before the length (recorded on AWS: CreateConnection's name).
 */
export class ConstraintCheck {
  private readonly failures: string[] = [];

  /** A required member: reports `Value null ... must not be null` when missing; false then. */
  required(value: unknown, path: string): boolean {
    if (value !== undefined && value !== null) return true;
    this.failures.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
    return false;
  }

  /** A string member: its pattern (whole value, as AWS's regular expressions match) and length range. */
  text(value: unknown, path: string, rule: { pattern?: string; min?: number; max?: number }): void {
    if (typeof value !== 'string') return;
    if (rule.pattern !== undefined && !new RegExp(`^(?:${rule.pattern})$`).test(value)) {
      this.fail(value, path, `Member must satisfy regular expression pattern: ${rule.pattern}`);
    }
    if (rule.min !== undefined && value.length < rule.min) this.fail(value, path, `Member must have length greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && value.length > rule.max) this.fail(value, path, `Member must have length less than or equal to ${rule.max}`);
  }

  /** A member limited to an enum's values. */
  oneOf(value: unknown, path: string, allowed: readonly string[]): void {
    if (typeof value === 'string' && !allowed.includes(value)) this.fail(value, path, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }

  /** A number member within a range. */
  range(value: unknown, path: string, min: number, max: number): void {
    if (typeof value !== 'number') return;
    if (value < min) this.fail(value, path, `Member must have value greater than or equal to ${min}`);
    if (value > max) this.fail(value, path, `Member must have value less than or equal to ${max}`);
  }

  /** Records a failure whose value is printed as given (`rendered`: a list, say). */
  fail(value: unknown, path: string, constraint: string): void {
    this.failures.push(`Value '${String(value)}' at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  /** Throws the ValidationException if anything failed. */
  throwIfFailed(): void {
    const count = this.failures.length;
    if (count === 0) return;
    throw EventsErrors.validation(`${count} validation error${count === 1 ? '' : 's'} detected: ${this.failures.join('; ')}`);
  }
}
