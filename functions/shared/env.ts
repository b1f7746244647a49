import { ConfigurationError } from './errors';

/** Reads a required environment variable; a missing one fails the cold start with its name. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`environment variable ${name} is required but not set`);
  }
  return value;
}

/** Reads a required environment variable holding a number. */
export function requireNumberEnv(name: string): number {
  const raw = requireEnv(name);
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new ConfigurationError(`environment variable ${name} must be a number, got "${raw}"`);
  }
  return value;
}
