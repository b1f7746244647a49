import type { Clock } from '../../clock';
import type { QueryParams } from '../../gateway/query-protocol';
import type { TemplateUrlReader } from './request';
import type { StackDirectory } from './stack-directory';

/** What every action reads: the stacks and change sets, the clock, and how to read a `TemplateURL`. */
export interface ApiContext {
  readonly directory: StackDirectory;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly readTemplateUrl: TemplateUrlReader;
  /** Runs work in the background, counted until it ends (settling waits for it); its errors are logged. */
  background(work: () => Promise<void>): Promise<void>;
  /**
   * Waits for work to end, but no longer than `ms`. The CDK CLI polls every 5 s and looks once
   * right after a call: an answer given once a quick operation is over saves it a poll.
   */
  briefly(work: Promise<unknown>, ms: number): Promise<void>;
}

/** One action: its answer becomes the `<ActionResult>` element (undefined: none). */
export type Action = (params: QueryParams, context: ApiContext) => Promise<Record<string, unknown> | undefined>;
