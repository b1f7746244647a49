import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildShop } from '../../infra/shop';

const CDK_JSON = path.join(__dirname, '..', '..', 'cdk.json');

/** The app's context from cdk.json, as `cdk synth` would see it, plus extra context. */
export function appContext(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { context } = JSON.parse(fs.readFileSync(CDK_JSON, 'utf8')) as { context: Record<string, unknown> };
  // Skips esbuild bundling: these tests read templates, not handler code.
  return { ...context, 'aws:cdk:bundling-stacks': [], ...extra };
}

/** Builds the shop in a fresh App and returns its stacks with their templates. */
export function synthShop(context: Record<string, unknown> = {}) {
  const app = new App({ context: appContext(context) });
  const shop = buildShop(app);
  const stacks = [shop.bus, shop.orders, shop.inventory, shop.payments, shop.shipping, shop.notifications, shop.audit, shop.monitoring] as Stack[];
  const templates = new Map(stacks.map((stack) => [stack.stackName, Template.fromStack(stack)]));
  return { app, shop, stacks, templates };
}

export type CfnResource = { Type: string; Properties?: Record<string, unknown> };

/** Every resource of a type in a template, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}
