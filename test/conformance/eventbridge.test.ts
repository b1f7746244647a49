import { describeConformance } from './environment';

/** AWS's recorded answers for EventBridge (cases/eventbridge/*.json, each with its source), replayed through the SDK. */
describeConformance('eventbridge');
