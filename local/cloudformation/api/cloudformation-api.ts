import { AwsError } from '../../aws-error';
import type { Clock } from '../../clock';
import type { QueryGatewayService, QueryParams } from '../../gateway/query-protocol';
import type { StackEngine } from '../stack-engine';
import { createChangeSet, deleteChangeSet, describeChangeSet, executeChangeSet, listChangeSets } from './change-set-actions';
import type { Action, ApiContext } from './context';
import { listExports, listImports } from './export-actions';
import type { TemplateUrlReader } from './request';
import { describeStackEvents, describeStackResource, describeStackResources, listStackResources } from './resource-actions';
import { StackDirectory } from './stack-directory';
import { createStack, deleteStack, describeStacks, listStacks, updateStack, updateTerminationProtection } from './stack-actions';
import { getTemplate, getTemplateSummary, validateTemplate } from './template-actions';

const ACTIONS: Readonly<Record<string, Action>> = {
  CreateChangeSet: createChangeSet,
  DescribeChangeSet: describeChangeSet,
  ExecuteChangeSet: executeChangeSet,
  DeleteChangeSet: deleteChangeSet,
  ListChangeSets: listChangeSets,
  CreateStack: createStack,
  UpdateStack: updateStack,
  DeleteStack: deleteStack,
  UpdateTerminationProtection: updateTerminationProtection,
  DescribeStacks: describeStacks,
  ListStacks: listStacks,
  DescribeStackEvents: describeStackEvents,
  DescribeStackResources: describeStackResources,
  DescribeStackResource: describeStackResource,
  ListStackResources: listStackResources,
  GetTemplate: getTemplate,
  GetTemplateSummary: getTemplateSummary,
  ValidateTemplate: validateTemplate,
  ListExports: listExports,
  ListImports: listImports,
};

export interface CloudFormationApiOptions {
  readonly engine: StackEngine;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** Reads a `TemplateURL` (an S3 object of the local cloud, whatever host the URL names). */
  readonly readTemplateUrl: TemplateUrlReader;
  /** Told when background work (a change set's plan) ends, so settling looks again. */
  readonly changed?: () => void;
  readonly log?: (message: string) => void;
}

/** Resolves when `work` settles or after `ms`, whichever is first (never rejects). */
function briefly(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([work.then(() => undefined, () => undefined), timeout]).finally(() => clearTimeout(timer));
}

/**
 * CloudFormation's API in the query protocol, as the CDK CLI and the SDKs call it: change sets,
 * stacks, events, resources, templates and exports, over the stack engine. Each action lives in
 * a small module by group (`*-actions.ts`); this class routes to them and counts background work.
 */
export class CloudFormationApi implements QueryGatewayService {
  readonly signingName = 'cloudformation';
  readonly name = 'cloudformation';
  readonly version = '2010-05-15';
  readonly xmlns = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
  private readonly context: ApiContext;
  private running = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly options: CloudFormationApiOptions) {
    const directory = new StackDirectory(options);
    this.context = {
      directory,
      clock: options.clock,
      region: options.region,
      accountId: options.accountId,
      readTemplateUrl: options.readTemplateUrl,
      background: (work) => this.background(work),
      briefly: (work, ms) => briefly(work, ms),
    };
  }

  async handle(action: string, params: QueryParams): Promise<Record<string, unknown> | undefined> {
    const run = ACTIONS[action];
    if (run === undefined) throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2010-05-15 (the local cloud's CloudFormation serves ${Object.keys(ACTIONS).join(', ')}).`);
    return run(params, this.context);
  }

  /** Change sets being planned and stack operations under way (settling waits while this is not 0). */
  pending(): number {
    return this.running + this.context.directory.planning();
  }

  /** Resolves once no change set is being planned and the engine is idle. */
  async idle(): Promise<void> {
    while (this.pending() > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    await this.options.engine.idle();
  }

  private background(work: () => Promise<void>): Promise<void> {
    this.running++;
    return work()
      .catch((error: unknown) => this.options.log?.(`cloudformation: background work failed: ${(error as Error)?.stack ?? String(error)}`))
      .finally(() => {
        this.running--;
        const waiters = this.waiters;
        this.waiters = [];
        for (const wake of waiters) wake();
        this.options.changed?.();
      });
  }
}
