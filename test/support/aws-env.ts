/**
 * Runs in every jest worker before any test module loads: the SDK clients that handlers create at
 * module load then talk to the DynamoDB Local of this run, with dummy credentials.
 */
process.env['AWS_REGION'] = 'us-east-1';
process.env['AWS_ACCESS_KEY_ID'] = 'test';
process.env['AWS_SECRET_ACCESS_KEY'] = 'test';
process.env['POWERTOOLS_LOG_LEVEL'] = process.env['POWERTOOLS_LOG_LEVEL'] ?? 'CRITICAL';
const dynamo = process.env['DYNAMODB_TEST_ENDPOINT'];
if (dynamo !== undefined) process.env['AWS_ENDPOINT_URL_DYNAMODB'] = dynamo;
// Handlers' metrics (EMF lines on stdout) stay out of the test output; tests of metrics turn them on.
process.env['POWERTOOLS_METRICS_DISABLED'] = process.env['POWERTOOLS_METRICS_DISABLED'] ?? 'true';
