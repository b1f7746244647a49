/**
 * The benchmark's batched variant: the same shop with every hop gathering up to 100 messages within
 * a 1 second batching window (the construct allows up to 10,000 once the window is at least 1 s),
 * so the bench weighs fewer invocations against the window's wait. Synthesized by `npm run bench` only.
 */
import { App } from 'aws-cdk-lib';
import { buildShop } from '../infra/shop';
import { BATCHED } from './variants';

const app = new App();
buildShop(app, { hopTuning: BATCHED.hopTuning });
