export { Recorder, type RecorderOptions, type RecorderSnapshot } from './recorder';
export { recorderObservers, type RecorderObservers } from './observers';
export { recorderRoutes } from './routes';
export { buildStory, type Branch, type Story, type StoryEvent } from './story';
export type { Hop, HopData, HopKind } from './hops';

import { Recorder } from './recorder';
import type { Story } from './story';

/**
 * A story from a running recorder or from a saved `snapshot()` (plain JSON, e.g. read from a file),
 * with no local cloud running: what `npm run trace` falls back to.
 */
export function storyOf(source: Recorder | unknown, id: string): Story {
  if (source instanceof Recorder) return source.story(id);
  const hops = (source as { hops?: unknown } | null)?.hops;
  const recorder = new Recorder({ capacity: Math.max(1, Array.isArray(hops) ? hops.length : 1) });
  recorder.restore(source);
  return recorder.story(id);
}
