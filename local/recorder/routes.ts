import type { ControlRoute } from '../gateway/server';
import type { Recorder } from './recorder';

const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 10_000;

/**
 * The recorder's routes under `/_local/recorder/`: an order's or an event's story, and the hops
 * after a sequence number (live views poll with the answer's `next`).
 */
export function recorderRoutes(recorder: Recorder): Record<string, ControlRoute> {
  return {
    'GET /_local/recorder/story': async (_request, _body, url) => {
      const id = url.searchParams.get('id');
      if (id === null || id.trim() === '') return { status: 400, body: { message: 'id is required: an order id (correlation id) or an event id, as ?id=<id>' } };
      return { status: 200, body: recorder.story(id.trim()) };
    },
    'GET /_local/recorder/hops': async (_request, _body, url) => {
      const since = optionalInteger(url.searchParams.get('since'), 'since', 0);
      const limit = optionalInteger(url.searchParams.get('limit'), 'limit', 1);
      if (typeof since === 'string') return { status: 400, body: { message: since } };
      if (typeof limit === 'string') return { status: 400, body: { message: limit } };
      return { status: 200, body: recorder.hopsSince(since, Math.min(limit ?? DEFAULT_LIMIT, MAX_LIMIT)) };
    },
  };
}

/** The parameter as an integer of at least `min`, undefined when absent, or the message saying what is wrong. */
function optionalInteger(value: string | null, name: string, min: number): number | undefined | string {
  if (value === null || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min) return `${name} must be an integer of at least ${min}, got ${JSON.stringify(value)}`;
  return parsed;
}
