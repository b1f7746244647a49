import { parseStory, type Story } from './story-contract';

/** What the endpoint said about the flight recorder. */
export type RecorderAnswer = { readonly kind: 'story'; readonly story: Story } | { readonly kind: 'no-recorder'; readonly why: string };

/**
 * Asks the local cloud's flight recorder for the story of an order or event
 * (`GET /_local/recorder/story?id=...`). An endpoint without the route (LocalStack, an older local
 * cloud) is `no-recorder`, so the caller can fall back to AWS APIs; nothing answering at all is an
 * error naming the endpoint and how to start the local cloud.
 */
export async function fetchStory(endpoint: string, id: string, timeoutMs = 10_000): Promise<RecorderAnswer> {
  const url = new URL('/_local/recorder/story', endpoint);
  url.searchParams.set('id', id);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    // `fetch failed` hides the useful part (ECONNREFUSED, a bad port) in its cause.
    const inner = (error as { cause?: { code?: string; message?: string } }).cause;
    const cause = inner?.code ?? inner?.message ?? (error as Error).message;
    throw new Error(`nothing answers at ${url.origin} (${cause}): start the local cloud (npm run local), or name another one with --endpoint / --target`);
  }
  const text = await response.text();
  if (response.status !== 200) return { kind: 'no-recorder', why: `${url.origin}/_local/recorder/story answered ${response.status}` };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'no-recorder', why: `${url.origin}/_local/recorder/story answered something other than JSON` };
  }
  return { kind: 'story', story: parseStory(body) };
}
