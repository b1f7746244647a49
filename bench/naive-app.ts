/**
 * The benchmark's baseline: the same shop with the hops tuned as a first attempt usually is: one
 * record per invocation (batch size 1) and no batching window. Synthesized by `npm run bench` only.
 */
import { App } from 'aws-cdk-lib';
import { buildShop } from '../infra/shop';
import { NAIVE } from './variants';

const app = new App();
buildShop(app, { hopTuning: NAIVE.hopTuning });
