import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pipelineFunction } from '../../../infra/constructs/pipeline-function';

/**
 * The watch test's app, synthesized into `<folder>/cdk.out` from the handler copies in `<folder>/src`:
 * a queue feeding `Echo` (which writes a table) and `Inspected`, both bundled as the pipeline's
 * functions are (pipelineFunction: the shared bundling settings and their metadata).
 */
export function synthesizeWatchFixture(folder: string): string {
  const outdir = `${folder}/cdk.out`;
  const app = new App({ outdir });
  const stack = new Stack(app, 'WatchFixture');
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY });
  const queue = new sqs.Queue(stack, 'Queue', { visibilityTimeout: Duration.seconds(30) });
  const echo = pipelineFunction(new Construct(stack, 'Echo'), { entry: `${folder}/src/echo.ts`, timeout: Duration.seconds(5), memorySize: 256, tables: { TABLE_NAME: { table } } });
  echo.addEventSource(new SqsEventSource(queue, { batchSize: 1 }));
  pipelineFunction(new Construct(stack, 'Inspected'), { entry: `${folder}/src/inspected.ts`, timeout: Duration.seconds(1), memorySize: 128 });
  app.synth();
  return outdir;
}
