import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/** A finished rebuild: where the new code is, and the files it was built from. */
export interface BuiltBundle {
  readonly ok: true;
  /** A new folder holding `index.js` and its source map, never written again. */
  readonly directory: string;
  /** Absolute paths of the project files in the bundle (packages left out). */
  readonly inputs: readonly string[];
  readonly durationMs: number;
}

/** A rebuild esbuild refused: its errors, each with file:line:column, ready to print. */
export interface FailedBundle {
  readonly ok: false;
  /** One line per error: `functions/x.ts:3:7: Expected ";" but found "y"`. */
  readonly summary: readonly string[];
  /** esbuild's own rendering (with the source line and a caret). */
  readonly details: string;
  readonly durationMs: number;
}

/**
 * Rebuilds one function's bundle with esbuild's incremental API (a context keeps what it parsed, so
 * a rebuild after one file changed reparses that file only). `options` are the ones the CDK bundled
 * with (from the assembly); the output file is `index.js`, as the CDK names it for CommonJS.
 *
 * Each build goes to a new numbered folder beside the others: a sandbox still running the previous
 * code keeps its files, and every folder is at the same depth, so the source map's relative
 * `sources` (computed for the context's output folder) point at the TypeScript files from any of them.
 */
export class FunctionBundler {
  private context: Promise<esbuild.BuildContext<{ metafile: true; write: false }>> | undefined;
  private builds = 0;

  constructor(
    private readonly entry: string,
    private readonly options: Readonly<Record<string, unknown>>,
    /** This function's folder of builds (created when missing). */
    private readonly directory: string,
    /** Where esbuild runs (paths in its messages are relative to it). */
    private readonly workingDirectory: string,
  ) {}

  /** Builds now; the first call creates the context (a full build), later ones are incremental. */
  async build(): Promise<BuiltBundle | FailedBundle> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let result: esbuild.BuildResult<{ metafile: true; write: false }>;
    try {
      result = await (await this.contextOnce()).rebuild();
    } catch (error) {
      const errors = (error as { errors?: esbuild.Message[] }).errors;
      if (errors === undefined) throw error;
      return { ok: false, summary: errors.map(summarize), details: (await esbuild.formatMessages(errors, { kind: 'error', color: false })).join(''), durationMs: elapsed() };
    }
    const output = path.join(this.directory, String(++this.builds));
    fs.mkdirSync(output, { recursive: true });
    // esbuild names the files for the context's `current` folder; the same names in a sibling folder.
    for (const file of result.outputFiles) fs.writeFileSync(path.join(output, path.basename(file.path)), file.contents);
    this.removeOldBuilds();
    const inputs = Object.keys(result.metafile.inputs)
      .map((input) => path.resolve(this.workingDirectory, input))
      .filter((file) => !file.split(path.sep).includes('node_modules'));
    return { ok: true, directory: output, inputs, durationMs: elapsed() };
  }

  async dispose(): Promise<void> {
    const context = this.context;
    this.context = undefined;
    await (await context?.catch(() => undefined))?.dispose();
  }

  private contextOnce(): Promise<esbuild.BuildContext<{ metafile: true; write: false }>> {
    this.context ??= esbuild.context({
      ...this.options,
      entryPoints: [this.entry],
      outfile: path.join(this.directory, 'current', 'index.js'),
      absWorkingDir: this.workingDirectory,
      // The list of inputs (what to watch); it does not change the bundle.
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    return this.context;
  }

  /** Keeps the two newest builds: a sandbox finishing its invocation on the previous code may still read its source map. */
  private removeOldBuilds(): void {
    const stale = this.builds - 2;
    if (stale >= 1) fs.rmSync(path.join(this.directory, String(stale)), { recursive: true, force: true });
  }
}

function summarize(message: esbuild.Message): string {
  const at = message.location;
  return at === null ? message.text : `${at.file}:${at.line}:${at.column + 1}: ${message.text}`;
}
