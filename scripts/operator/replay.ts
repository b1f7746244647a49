/**
 * `npm run replay -- --from <time> --to <time> [--detail-type <t>] [--target ...]`: replays a window
 * of the domain archive onto the domain bus, to every rule or only to the rules that consume the
 * detail-type. Waits until the replay completes. AWS APIs only.
 */
import { DescribeReplayCommand, DescribeRuleCommand, ListRulesCommand, StartReplayCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { CATALOG } from '../../functions/events';
import { output } from '../outputs';
import type { ShopClient } from '../shop-client';
import { parseToolArgs } from './target-args';

function time(value: unknown, name: string): Date {
  const date = new Date(String(value));
  if (value === undefined || Number.isNaN(date.getTime())) throw new Error(`--${name} must be a time (ISO 8601, e.g. 2026-11-22T10:00:00Z), got "${String(value)}"`);
  return date;
}

/** The ARNs of the domain bus's rules that match an event of this detail-type, asked of EventBridge itself. */
async function rulesFor(shop: ShopClient, detailType: string): Promise<string[]> {
  const contract = CATALOG.find((c) => c.detailType === detailType);
  if (contract === undefined) throw new Error(`unknown detail-type "${detailType}"; the catalog has: ${CATALOG.map((c) => c.detailType).join(', ')}`);
  const bus = output(shop.outputs, 'DomainBusName');
  const sample = { id: '0', account: '000000000000', region: 'us-east-1', time: new Date().toISOString(), resources: [], source: contract.source, 'detail-type': contract.detailType, detail: {} };
  const arns: string[] = [];
  let next: string | undefined;
  do {
    const page = await shop.events.send(new ListRulesCommand({ EventBusName: bus, NextToken: next }));
    for (const rule of page.Rules ?? []) {
      const pattern = rule.EventPattern ?? (await shop.events.send(new DescribeRuleCommand({ Name: rule.Name, EventBusName: bus }))).EventPattern;
      if (pattern === undefined) continue;
      // Rules that look into the detail (customer-visible statuses) are asked with the pattern's own detail removed.
      const loose = JSON.stringify({ ...JSON.parse(pattern), detail: undefined });
      if ((await shop.events.send(new TestEventPatternCommand({ EventPattern: loose, Event: JSON.stringify(sample) }))).Result) arns.push(rule.Arn!);
    }
    next = page.NextToken;
  } while (next !== undefined);
  return arns;
}

async function main(): Promise<void> {
  const { shop, values } = parseToolArgs(process.argv.slice(2), { from: { type: 'string' }, to: { type: 'string' }, 'detail-type': { type: 'string' } });
  try {
    const from = time(values['from'], 'from');
    const to = time(values['to'], 'to');
    const detailType = values['detail-type'] as string | undefined;
    const filter = detailType === undefined ? undefined : await rulesFor(shop, detailType);
    const name = `replay-${Date.now()}`;
    await shop.events.send(
      new StartReplayCommand({
        ReplayName: name,
        EventSourceArn: output(shop.outputs, 'DomainArchiveArn'),
        EventStartTime: from,
        EventEndTime: to,
        Destination: { Arn: output(shop.outputs, 'DomainBusArn'), ...(filter === undefined ? {} : { FilterArns: filter }) },
      }),
    );
    for (let delay = 200; ; delay = Math.min(delay * 2, 5000)) {
      const replay = await shop.events.send(new DescribeReplayCommand({ ReplayName: name }));
      if (replay.State === 'COMPLETED' || replay.State === 'FAILED' || replay.State === 'CANCELLED') {
        const summary = { replay: name, state: replay.State, from: from.toISOString(), to: to.toISOString(), rules: filter?.length ?? 'all', lastReplayed: replay.EventLastReplayedTime?.toISOString() ?? null };
        process.stdout.write(values['json'] ? `${JSON.stringify(summary)}\n` : `replay ${name}: ${replay.State}${replay.StateReason ? ` (${replay.StateReason})` : ''}, rules: ${summary.rules}, last event replayed: ${summary.lastReplayed ?? 'none'}\n`);
        if (replay.State !== 'COMPLETED') process.exitCode = 1;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  } finally {
    shop.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`replay: ${(error as Error).message}\n`);
  process.exit(1);
});
