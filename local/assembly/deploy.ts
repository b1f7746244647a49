import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../clock';
import { assemblyAssets } from '../cloudformation/assets';
import { createStackEngine, type LocalStackEngine } from '../cloudformation/engine';
import type { EventBridgeService } from '../eventbridge/eventbridge-service';
import type { SqsEventSourceMapping } from '../lambda/event-source-mapping';
import { EventSourceMappings } from '../lambda/event-source-mappings';
import type { LambdaService, LocalFunction } from '../lambda/lambda-service';
import type { SqsService } from '../sqs/sqs-service';
import type { CloudAssembly } from './cloud-assembly';
import type { OutputsFile } from './references';

/** What the deployment creates resources in. */
export interface DeployTargets {
  readonly clock: Clock;
  readonly sqs: SqsService;
  readonly eventBridge: EventBridgeService;
  readonly lambda: LambdaService;
  /** A client of DynamoDB Local, for tables; without one, a table is an error. */
  readonly dynamodb?: DynamoDBClient;
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** Called when an invocation or mapping changes state (settling). */
  readonly changed: () => void;
  /**
   * Lambda's event source mappings, to create the app's in (then the caller must not adopt
   * `Deployment.mappings` again). @default a private set, whose pollers the caller adopts
   */
  readonly mappings?: EventSourceMappings;
  /**
   * The stack engine to deploy through (so the CloudFormation API sees the stacks and `cdk deploy`
   * can update them). @default an engine of its own over these targets
   */
  readonly engine?: LocalStackEngine;
}

export interface Deployment {
  readonly outputs: OutputsFile;
  /** Resource types not run locally (they have no behaviour here), with the logical ids skipped. */
  readonly skipped: ReadonlyMap<string, string[]>;
  readonly functions: readonly LocalFunction[];
  readonly mappings: readonly SqsEventSourceMapping[];
  readonly created: number;
}

/**
 * Deploys a cloud assembly on the local cloud through the CloudFormation stack engine, stack after
 * stack in dependency order, waiting for each; function code is used from the assembly's asset
 * folders (nothing is published). Returns the stacks' outputs in the format of `cdk deploy
 * --outputs-file`. A failing stack rejects with its failing resource's error (after its rollback).
 */
export async function deployAssembly(assembly: CloudAssembly, targets: DeployTargets): Promise<Deployment> {
  const assets = new Map<string, string>();
  for (const stack of assembly.stacks) for (const [key, directory] of stack.assetsByObjectKey) assets.set(key, directory);
  const mappings = targets.mappings ?? new EventSourceMappings({ clock: targets.clock, sqs: targets.sqs, lambda: targets.lambda, region: targets.region, accountId: targets.accountId, changed: targets.changed });
  const engine =
    targets.engine ??
    createStackEngine({
      clock: targets.clock,
      region: targets.region,
      accountId: targets.accountId,
      endpoint: () => targets.endpoint,
      sqs: targets.sqs,
      eventBridge: targets.eventBridge,
      lambda: targets.lambda,
      mappings,
      ...(targets.dynamodb === undefined ? {} : { dynamodb: targets.dynamodb }),
      assets: assemblyAssets(assets),
      changed: targets.changed,
    });

  const outputs: OutputsFile = {};
  const skipped = new Map<string, string[]>();
  const functions: LocalFunction[] = [];
  const mappingIds = new Set<string>();
  let created = 0;
  for (const stack of assembly.stacks) {
    const record = await engine.deploy({ stackName: stack.name, templateBody: JSON.stringify(stack.template), parameters: {} }, { assets: assemblyAssets(assets), withoutBootstrap: true });
    outputs[stack.name] = Object.fromEntries(record.outputs.map((o) => [o.outputKey, o.outputValue]));
    for (const resource of record.resources) {
      const support = engine.support(resource.resourceType);
      if (support !== 'provided') {
        const list = skipped.get(resource.resourceType) ?? [];
        list.push(`${stack.name}/${resource.logicalResourceId}`);
        skipped.set(resource.resourceType, list);
        continue;
      }
      created++;
      if (resource.resourceType === 'AWS::Lambda::Function') {
        const fn = targets.lambda.find(resource.physicalResourceId ?? '');
        if (fn !== undefined) functions.push(fn);
      }
      if (resource.resourceType === 'AWS::Lambda::EventSourceMapping' && resource.physicalResourceId !== undefined) mappingIds.add(resource.physicalResourceId);
    }
  }
  return { outputs, skipped, functions, mappings: mappings.runtimes().filter((m) => mappingIds.has(m.uuid)), created };
}
