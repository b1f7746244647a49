/**
 * The benchmark's baseline: the same shop with the hops tuned as a first attempt usually is: one
 * record per invocation (batch size 1) and no batching window. Synthesized by `npm run bench` only.
 */
import { App, Duration } from 'aws-cdk-lib';
import { buildShop } from '../infra/shop';

const app = new App();
buildShop(app, { hopTuning: { batchSize: 1, maxBatchingWindow: Duration.seconds(0) } });
