import { parseToolArgs } from '../operator/target-args';
import type { ShopClient } from '../shop-client';
import { awsSearchedPlaces, reconstructFromAws } from './aws-reconstruction';
import { buildTree } from './build-tree';
import { readOrderState } from './order-state';
import { auditedPayloads, summarize } from './event-summaries';
import { fetchStory } from './recorder-client';
import { renderText } from './render-text';
import type { TraceTree } from './trace-tree';

export const USAGE = `usage: npm run trace -- <order id | event id> [--json] [--target local|localstack|aws] [--endpoint URL] [--outputs FILE] [--aws-apis-only]`;

/** Where the trace writes, and whether that is a terminal that shows colours. */
export interface TraceOutput {
  readonly write: (text: string) => void;
  readonly color: boolean;
}

/** The outcome of one trace: the exit code, and the tree when one was found. */
export interface TraceResult {
  readonly code: number;
  readonly tree?: TraceTree;
}

/**
 * `npm run trace`: finds the deployed app as the operator tools do (`--target`, `--outputs`,
 * `--endpoint`), asks the endpoint's flight recorder for the story, and prints it as a tree (`--json`:
 * the tree as JSON). Where no recorder answers (LocalStack, AWS) or with `--aws-apis-only`, the story
 * is reconstructed from what AWS APIs keep, saying what needs the local cloud. An id nobody knows is
 * a message naming what was searched, and exit code 1.
 */
export async function runTrace(argv: string[], out: TraceOutput): Promise<TraceResult> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out.write(`${USAGE}\n`);
    return { code: 0 };
  }
  const { shop, values, positionals } = parseToolArgs(argv, { 'aws-apis-only': { type: 'boolean', default: false } });
  try {
    const id = positionals[0];
    if (id === undefined || id.trim() === '' || positionals.length > 1) throw new Error(`name one order id or event id\n${USAGE}`);
    const found = await findStory(shop, id, values['aws-apis-only'] === true);
    if ('unknown' in found) throw new Error(found.unknown);
    out.write(values['json'] === true ? `${JSON.stringify(found.tree, null, 2)}\n` : renderText(found.tree, { color: out.color, stackNames: Object.keys(shop.outputs) }));
    return { code: 0, tree: found.tree };
  } finally {
    shop.destroy();
  }
}

async function findStory(shop: ShopClient, id: string, awsApisOnly: boolean): Promise<{ tree: TraceTree } | { unknown: string }> {
  let noRecorder: string | undefined;
  if (shop.endpoint !== undefined && !awsApisOnly) {
    const answer = await fetchStory(shop.endpoint, id);
    if (answer.kind === 'story') {
      const { story } = answer;
      if (story.matchedBy === 'none' || story.events.length === 0) {
        return {
          unknown:
            `no order or event "${id}" in the flight recorder of the local cloud at ${shop.endpoint}: it searched its events' ids and correlation ids (order ids)` +
            `${story.truncated ? ', and has dropped its oldest hops (its bound), so an older order is gone from it' : ''}. Is the id right, and was the order placed on this cloud since it started?`,
        };
      }
      const orderId = story.matchedBy === 'correlationId' ? story.id : story.events.find((event) => event.correlationId !== undefined)?.correlationId;
      if (orderId === undefined) return { tree: buildTree(story, undefined) };
      const payloads = await auditedPayloads(shop, orderId);
      const summaries = new Map<string, string>();
      for (const [eventId, data] of payloads) {
        const summary = summarize(data, orderId);
        if (summary !== undefined) summaries.set(eventId, summary);
      }
      return { tree: buildTree(story, await readOrderState(shop, orderId), summaries) };
    }
    noRecorder = `${answer.why}: no flight recorder there`;
  }
  const tree = await reconstructFromAws(shop, id);
  if (tree === undefined) return { unknown: `no order or event "${id}": searched ${awsSearchedPlaces(shop, id)}${noRecorder === undefined ? '' : ` (${noRecorder})`}` };
  return { tree: noRecorder === undefined ? tree : { ...tree, limits: [`${noRecorder}; reconstructed from AWS APIs`, ...tree.limits] } };
}
