import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStateDir } from '../../local/persist/state-dir';
import { PersistStateError, readStateFile, STATE_FILE, STATE_FORMAT, STATE_VERSION, writeStateFile } from '../../local/persist/state-file';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'persist-state-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (content: string) => fs.writeFileSync(path.join(dir, STATE_FILE), content);

describe('the state file', () => {
  it('reads back what was written, with its format and version', () => {
    // Act
    writeStateFile(dir, { sqs: [{ name: 'q', messages: [] }] }, new Date('2026-11-26T10:00:00Z'));
    const state = readStateFile(dir);

    // Assess
    expect(state).toEqual({ format: STATE_FORMAT, version: STATE_VERSION, savedAt: '2026-11-26T10:00:00.000Z', parts: { sqs: [{ name: 'q', messages: [] }] } });
  });

  it('is none in a directory without one (a first start)', () => {
    expect(readStateFile(dir)).toBeUndefined();
  });

  it('is replaced in one step: no temporary file is left, and a failed write keeps the previous file', () => {
    // Prepare
    writeStateFile(dir, { n: 1 });
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;

    // Act
    expect(() => writeStateFile(dir, { n: circular })).toThrow(/circular/);

    // Assess
    expect(readStateFile(dir)?.parts).toEqual({ n: 1 });
    expect(fs.readdirSync(dir)).toEqual([STATE_FILE]);
  });

  it.each([
    ['not JSON', '{"format": "local-cloud-st', /is not a state file this local cloud can read \(not JSON/],
    ['not an object', '[1, 2]', /not a JSON object/],
    ["another tool's file", JSON.stringify({ format: 'something-else', version: 1, parts: {} }), /its format is "something-else", expected "local-cloud-state"/],
    ['a newer version', JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION + 1, parts: {} }), new RegExp(`version ${STATE_VERSION + 1} was written by a newer local cloud`)],
    ['no version', JSON.stringify({ format: STATE_FORMAT, parts: {} }), /version undefined, expected 1/],
    ['no parts', JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION }), /no "parts" object/],
  ])('refuses %s, naming the file and what to do', (_what, content, message) => {
    // Prepare
    write(content);

    // Act + Assess
    let error: unknown;
    try {
      readStateFile(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PersistStateError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(path.join(dir, STATE_FILE));
    expect((error as Error).message).toContain('another --persist directory');
  });
});

describe('the persist directory', () => {
  it('is created when missing, and holds the DynamoDB database folder', () => {
    // Act
    const opened = openStateDir(path.join(dir, 'new', 'state'));

    // Assess
    expect(fs.statSync(path.join(dir, 'new', 'state')).isDirectory()).toBe(true);
    expect(opened.dynamodbPath).toBe(path.join(dir, 'new', 'state', 'dynamodb'));
    opened.release();
  });

  it('refuses a directory holding other files and no state (a mistyped path)', () => {
    // Prepare
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');

    // Act + Assess
    expect(() => openStateDir(dir)).toThrow(/holds other files \(notes\.txt\) and no local-cloud-state\.json: it does not look like a local cloud state directory/);
  });

  it('refuses a file', () => {
    // Prepare
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');

    // Act + Assess
    expect(() => openStateDir(file)).toThrow(PersistStateError);
  });

  it('is held by one local cloud at a time, and free again once released', () => {
    // Prepare
    const first = openStateDir(dir);

    // Act + Assess
    expect(() => openStateDir(dir)).toThrow(new RegExp(`in use by another running local cloud \\(process ${process.pid}\\)`));
    first.release();
    const second = openStateDir(dir);
    second.release();
  });

  it('takes over the lock of a process that no longer runs', () => {
    // Prepare: a pid beyond any Linux pid_max.
    fs.writeFileSync(path.join(dir, 'lock'), '99999999');

    // Act
    const opened = openStateDir(dir);

    // Assess
    expect(fs.readFileSync(path.join(dir, 'lock'), 'utf8')).toBe(String(process.pid));
    opened.release();
    expect(fs.existsSync(path.join(dir, 'lock'))).toBe(false);
  });
});
