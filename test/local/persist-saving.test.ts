import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Persistence } from '../../local/persist/persistence';
import { openStateDir, type StateDir } from '../../local/persist/state-dir';
import { readStateFile } from '../../local/persist/state-file';

let root: string;
let dir: StateDir;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'persist-saving-'));
  dir = openStateDir(root);
});
afterEach(() => {
  dir.release();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Resolves once `condition` holds, checking on each turn of the event loop's timers (no fixed sleep). */
async function until(condition: () => boolean, deadlineMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > deadlineMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('saving the state', () => {
  it('writes a changed part within an interval, and nothing while nothing changes', async () => {
    // Prepare
    let counter = 0;
    let saves = 0;
    const persistence = new Persistence({ dir, intervalMs: 20, parts: [{ name: 'counter', mark: () => counter, save: () => (saves++, { counter }) }] });
    persistence.start();

    // Act
    counter = 1;
    await until(() => persistence.writes === 1);
    const afterFirst = saves;
    // Several intervals with no change.
    const unchangedSince = Date.now();
    await until(() => Date.now() - unchangedSince > 100);

    // Assess
    expect(readStateFile(root)?.parts).toEqual({ counter: { counter: 1 } });
    expect(persistence.writes).toBe(1);
    expect(saves).toBe(afterFirst);
    await persistence.stop();
  });

  it('spaces writes that take long to ten times their duration', async () => {
    // Prepare: every write takes 30 ms (a large state), the part changes all the time.
    let counter = 0;
    const slowSave = () => {
      const done = Date.now() + 30;
      while (Date.now() < done) counter += 0;
      return counter;
    };
    const persistence = new Persistence({ dir, intervalMs: 5, parts: [{ name: 'big', mark: () => ++counter, save: slowSave }] });
    persistence.start();

    // Act: the first periodic write, then a window shorter than the 300 ms it spaces the next by.
    await until(() => persistence.writes === 1);
    const windowStart = Date.now();
    await until(() => Date.now() - windowStart > 150);

    // Assess: at a 5 ms interval, unspaced, the window would hold four writes or more.
    expect(persistence.writes).toBe(1);
    await persistence.stop();
  });

  it('writes once more at stop, even unchanged, and releases the directory', async () => {
    // Prepare
    const persistence = new Persistence({ dir, intervalMs: 60_000, parts: [{ name: 'p', mark: () => 0, save: () => ['kept'] }] });
    persistence.start();

    // Act
    await persistence.stop();

    // Assess
    expect(readStateFile(root)?.parts).toEqual({ p: ['kept'] });
    const again = openStateDir(root);
    again.release();
  });

  it('keeps the last good file and goes on when a write fails, saying so once', async () => {
    // Prepare
    let mark = 0;
    let fail = false;
    const said: string[] = [];
    const persistence = new Persistence({
      dir,
      intervalMs: 60_000,
      log: (message) => said.push(message),
      parts: [{ name: 'p', mark: () => mark, save: () => (fail ? Promise.reject(new Error('disk full')) : mark) }],
    });
    persistence.start();
    mark = 1;
    await persistence.save();

    // Act
    fail = true;
    mark = 2;
    expect(await persistence.save()).toBe(false);
    mark = 3;
    expect(await persistence.save()).toBe(false);
    fail = false;
    expect(await persistence.save()).toBe(true);

    // Assess
    expect(said).toEqual([`persist: cannot write the state to ${root}: disk full`, `persist: writing ${root} works again`]);
    expect(readStateFile(root)?.parts).toEqual({ p: 3 });
    await persistence.stop();
  });
});
