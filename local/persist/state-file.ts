import * as fs from 'node:fs';
import * as path from 'node:path';

/** The state file's name in a persist directory. */
export const STATE_FILE = 'local-cloud-state.json';
/** What the file says it is: a directory holding another tool's `state.json` is not taken for ours. */
export const STATE_FORMAT = 'local-cloud-state';
/** Raised when the shape of a part changes in a way an older reader would misread. */
export const STATE_VERSION = 1;

/** What a persist directory's state file holds; each part belongs to one service (queues, archives, ...). */
export interface CloudState {
  readonly format: typeof STATE_FORMAT;
  readonly version: number;
  /** When it was written (wall clock), for people reading the file. */
  readonly savedAt: string;
  readonly parts: Readonly<Record<string, unknown>>;
}

/** A persist directory or its state file that cannot be used; the message says which and what to do. */
export class PersistStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PersistStateError';
  }
}

/**
 * Writes the state atomically: to a temporary file in the same directory, flushed to disk, then
 * renamed over the old one (a rename within a file system replaces the name in one step), so a
 * crash mid-write leaves the previous complete file, never half of one.
 */
export function writeStateFile(dir: string, parts: Readonly<Record<string, unknown>>, now: Date = new Date()): void {
  const state: CloudState = { format: STATE_FORMAT, version: STATE_VERSION, savedAt: now.toISOString(), parts };
  const text = JSON.stringify(state);
  const target = path.join(dir, STATE_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(temporary, 'w');
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * The state a directory holds; undefined when it has none yet (a first start). A file that is not
 * JSON, not ours, or of a version this code does not know is an error naming the file, never
 * read as empty: starting with nothing and saving would overwrite what the user meant to keep.
 */
export function readStateFile(dir: string): CloudState | undefined {
  const file = path.join(dir, STATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PersistStateError(`cannot read the local cloud's state ${file}: ${(error as Error).message}`);
  }
  const unusable = (why: string) =>
    new PersistStateError(`${file} is not a state file this local cloud can read (${why}); move it away, or start with another --persist directory`);
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw unusable(`not JSON: ${(error as Error).message}`);
  }
  if (state === null || typeof state !== 'object' || Array.isArray(state)) throw unusable('not a JSON object');
  const { format, version, parts } = state as Record<string, unknown>;
  if (format !== STATE_FORMAT) throw unusable(`its format is ${JSON.stringify(format)}, expected "${STATE_FORMAT}"`);
  if (version !== STATE_VERSION) {
    throw unusable(typeof version === 'number' && version > STATE_VERSION ? `version ${version} was written by a newer local cloud; this one reads version ${STATE_VERSION}` : `version ${JSON.stringify(version)}, expected ${STATE_VERSION}`);
  }
  if (parts === null || typeof parts !== 'object' || Array.isArray(parts)) throw unusable('it has no "parts" object');
  return state as CloudState;
}
