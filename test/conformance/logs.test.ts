import { describeConformance } from './environment';

/** AWS's recorded answers for CloudWatch Logs (cases/logs/*.json, each with its source), replayed through the SDK. */
describeConformance('logs');
