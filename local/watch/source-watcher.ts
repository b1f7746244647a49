import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

/**
 * Watches a growing set of files and reports each change, creation or removal by absolute path.
 *
 * chokidar rather than `fs.watch`: a watch on a file follows its inode, so an editor's atomic save
 * (write a temporary file, rename it over the original: vim, JetBrains' safe write) leaves
 * `fs.watch(file)` watching nothing; chokidar re-watches and reports it as a change. Node's own
 * recursive `fs.watch` on Linux (Node 20) is emulated in JavaScript and misses events set up while it
 * walks the tree (nodejs/node#48437). esbuild's `context.watch()` polls a random subset of files per
 * scan, so a change may take up to about two seconds to be noticed (esbuild 0.8.38 release notes):
 * too slow for the one-second budget, so the rebuild is triggered here and esbuild only rebuilds.
 * No `awaitWriteFinish`: it would wait for the file's size to hold still (100 ms at least); the
 * caller's short debounce takes a save's several writes as one.
 */
export class SourceWatcher {
  private readonly watcher: FSWatcher;
  private readonly files = new Set<string>();
  /** Resolves once the initial files are watched. */
  readonly ready: Promise<void>;

  constructor(files: Iterable<string>, onChange: (file: string) => void) {
    for (const file of files) this.files.add(file);
    this.watcher = watch([...this.files], { ignoreInitial: true });
    this.ready = new Promise((resolve) => this.watcher.once('ready', () => resolve()));
    // chokidar drops a path's `change` events that come within 50 ms of the previous one (its
    // `_throttle(change, path, 50)`): a format-on-save right after the save would be missed. Its `raw`
    // events are every event of the watches it keeps (re-made after a rename), none dropped.
    this.watcher.on('raw', (_event, _name, details) => {
      const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
      const file = typeof watched === 'string' ? path.resolve(watched) : undefined;
      if (file !== undefined && this.files.has(file)) onChange(file);
    });
    for (const event of ['add', 'unlink'] as const) this.watcher.on(event, (file: string) => onChange(path.resolve(file)));
    // A watch that fails (a folder removed, too many watches) must not crash the local cloud.
    this.watcher.on('error', () => undefined);
  }

  /** Starts watching files not watched yet (new imports of a rebuilt bundle). */
  add(files: Iterable<string>): void {
    const fresh = [...files].filter((file) => !this.files.has(file));
    for (const file of fresh) this.files.add(file);
    if (fresh.length > 0) this.watcher.add(fresh);
  }

  get size(): number {
    return this.files.size;
  }

  close(): Promise<void> {
    return this.watcher.close();
  }
}
