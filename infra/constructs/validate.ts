import { Duration, Token } from 'aws-cdk-lib';

/**
 * Props validation shared by the constructs. Each check skips unresolved tokens (their value is only
 * known at deploy time) and throws a message that quotes the bad value.
 */
export function checkInteger(construct: string, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${construct}: ${prop} must be an integer between ${min} and ${max}, got ${value}`);
  }
}

export function checkDuration(construct: string, prop: string, value: Duration | undefined, min: Duration, max: Duration): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (seconds < min.toSeconds({ integral: false }) || seconds > max.toSeconds({ integral: false })) {
    throw new Error(`${construct}: ${prop} must be between ${min.toHumanString()} and ${max.toHumanString()}, got ${value.toHumanString()}`);
  }
}
