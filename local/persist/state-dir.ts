import * as fs from 'node:fs';
import * as path from 'node:path';
import { PersistStateError, STATE_FILE } from './state-file';

/** DynamoDB Local's database folder inside a persist directory. */
export const DYNAMODB_DIR = 'dynamodb';
const LOCK_FILE = 'lock';
/** What a persist directory may hold besides the state file (a first start writes these before any state). */
const OURS = new Set([STATE_FILE, DYNAMODB_DIR, LOCK_FILE]);

/** Directories this process holds (a second cloud in the same process is refused too). */
const held = new Set<string>();

/** A persist directory opened for one running local cloud; `release` when it stops. */
export interface StateDir {
  readonly path: string;
  /** Where DynamoDB Local keeps its database file. */
  readonly dynamodbPath: string;
  release(): void;
}

/**
 * Opens (creating when missing) a persist directory and locks it for this process. Refused: a path
 * that is not a directory; a directory holding other things and no state of ours (a mistyped path
 * must not have a database written into someone's folder); a directory another running local cloud
 * holds (two DynamoDB Locals on one database file corrupt it).
 */
export function openStateDir(dir: string): StateDir {
  const root = path.resolve(dir);
  try {
    fs.mkdirSync(root, { recursive: true });
  } catch (error) {
    throw new PersistStateError(`--persist ${dir}: cannot create the directory: ${(error as Error).message}`);
  }
  if (!fs.statSync(root).isDirectory()) throw new PersistStateError(`--persist ${dir}: not a directory`);
  const entries = fs.readdirSync(root).filter((name) => !name.endsWith('.tmp'));
  const foreign = entries.filter((name) => !OURS.has(name));
  if (foreign.length > 0 && !entries.includes(STATE_FILE)) {
    throw new PersistStateError(
      `--persist ${dir}: the directory holds other files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}) and no ${STATE_FILE}: ` +
        'it does not look like a local cloud state directory; give a new or empty directory',
    );
  }
  lock(root, dir);
  return {
    path: root,
    dynamodbPath: path.join(root, DYNAMODB_DIR),
    release: () => {
      if (!held.delete(root)) return;
      try {
        if (fs.readFileSync(path.join(root, LOCK_FILE), 'utf8').trim() === String(process.pid)) fs.rmSync(path.join(root, LOCK_FILE), { force: true });
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
}

/** A lock file naming this process; one naming a process that no longer runs is stale and taken over. */
function lock(root: string, given: string): void {
  const file = path.join(root, LOCK_FILE);
  const inUse = (pid: number) => new PersistStateError(`--persist ${given}: in use by another running local cloud (process ${pid}); stop it first or use another directory`);
  if (held.has(root)) throw inUse(process.pid);
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new PersistStateError(`--persist ${given}: cannot write ${file}: ${(error as Error).message}`);
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && running(pid)) throw inUse(pid);
    fs.writeFileSync(file, String(process.pid));
  }
  held.add(root);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
