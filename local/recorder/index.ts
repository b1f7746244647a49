export { Recorder, type RecorderOptions, type RecorderSnapshot } from './recorder';
export { recorderObservers, type RecorderObservers } from './observers';
export { recorderRoutes } from './routes';
export { buildStory, type Branch, type Story, type StoryEvent } from './story';
export type { Hop, HopData, HopKind } from './hops';

