import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync } from 'fflate';

/** A deployment package unpacked where a sandbox can run it. */
export interface FunctionCode {
  /** The task root: the package's files, as Lambda puts them in /var/task. */
  readonly directory: string;
  /** Base64 SHA-256 of the package, as Lambda reports `CodeSha256`. */
  readonly sha256: string;
  /** The package's size in bytes (`CodeSize`). */
  readonly size: number;
}

/** Thrown when the package is not a readable zip archive (Lambda's InvalidParameterValueException). */
export class InvalidZipError extends Error {
  constructor() {
    super('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
}

/** Lambda refuses packages larger than this once unzipped. */
const MAX_UNZIPPED_BYTES = 262_144_000;

/**
 * Where one local cloud unpacks packages, removed when it stops. Its `node_modules` links to the
 * local cloud's own modules, so a handler finds the AWS SDK the way it does in Lambda, where the
 * Node.js runtime provides it outside the task root (ES modules ignore NODE_PATH; a parent
 * `node_modules` works for both).
 */
export class CodeStore {
  private root: string | undefined;

  /** Unpacks a zip deployment package (CreateFunction's `Code.ZipFile`) into a fresh task root. */
  unpack(zip: Uint8Array, functionName: string): FunctionCode {
    return unpackZip(zip, functionName, this.directory());
  }

  /** Removes every package unpacked here. */
  dispose(): void {
    if (this.root !== undefined) fs.rmSync(this.root, { recursive: true, force: true });
    this.root = undefined;
  }

  private directory(): string {
    if (this.root !== undefined && fs.existsSync(this.root)) return this.root;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'local-lambda-'));
    const modules = path.resolve(__dirname, '..', '..', 'node_modules');
    if (fs.existsSync(modules)) fs.symlinkSync(modules, path.join(root, 'node_modules'), 'dir');
    this.root = root;
    return root;
  }
}

function unpackZip(zip: Uint8Array, functionName: string, root: string): FunctionCode {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch {
    throw new InvalidZipError();
  }
  let unzipped = 0;
  for (const data of Object.values(files)) unzipped += data.length;
  if (unzipped >= MAX_UNZIPPED_BYTES) throw new RangeError(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
  const directory = path.join(root, `${functionName}-${randomUUID()}`);
  fs.mkdirSync(directory, { recursive: true });
  for (const [name, data] of Object.entries(files)) {
    const target = path.resolve(directory, name);
    // An entry may not climb out of the task root (zip slip).
    if (!target.startsWith(directory + path.sep)) continue;
    if (name.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
  }
  return { directory, sha256: createHash('sha256').update(zip).digest('base64'), size: zip.length };
}
