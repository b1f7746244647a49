/**
 * Tables' key attribute names for the recorder (a put gives the whole item; its hop shows the key):
 * asked once per table (DescribeTable), off the write's path. Until known, callers are told later.
 */
export class KeySchemas {
  private readonly known = new Map<string, readonly string[]>();
  private readonly waiting = new Map<string, Array<(names: readonly string[]) => void>>();

  constructor(private readonly describe: (table: string) => Promise<readonly string[]>) {}

  /** The names now, or undefined and `later` once described (never, if the table cannot be described). */
  get(table: string, later: (names: readonly string[]) => void): readonly string[] | undefined {
    const names = this.known.get(table);
    if (names !== undefined) return names;
    const queue = this.waiting.get(table);
    if (queue !== undefined) {
      queue.push(later);
      return undefined;
    }
    this.waiting.set(table, [later]);
    this.describe(table).then(
      (described) => {
        this.known.set(table, described);
        for (const callback of this.waiting.get(table) ?? []) callback(described);
        this.waiting.delete(table);
      },
      () => this.waiting.delete(table),
    );
    return undefined;
  }
}
