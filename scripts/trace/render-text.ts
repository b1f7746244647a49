import { walkEvents, type EventNode, type InvocationNode, type RuleNode, type TraceTree, type WriteNode } from './trace-tree';

/** A line of the tree and the lines under it. */
interface Line {
  readonly text: string;
  readonly children: readonly Line[];
}

type Paint = (code: number, text: string) => string;

/** How the text is written: colours, and resource names as shown. */
interface Style {
  readonly paint: Paint;
  readonly name: (physicalName: string) => string;
}

export interface RenderOptions {
  /** ANSI colours (the caller's stdout is a terminal). */
  readonly color: boolean;
  /**
   * The app's stack names: a resource's physical name is shown without its stack's prefix and the
   * CDK's hash (`Shop-dev-Orders-RecordOrderQueue32D08339` as `RecordOrderQueue`); --json keeps it whole.
   */
  readonly stackNames?: readonly string[];
}

/** A physical name as shown: without the stack prefix CloudFormation gives it and the CDK's 8-digit hash. */
export function shortName(name: string, stackNames: readonly string[]): string {
  const stack = [...stackNames].sort((a, b) => b.length - a.length).find((prefix) => name.startsWith(`${prefix}-`));
  const bare = stack === undefined ? name : name.slice(stack.length + 1);
  return bare.replace(/(?<=[a-z])[0-9A-F]{8}$/, '');
}
const ANSI: Paint = (code, text) => `\u001b[${code}m${text}\u001b[0m`;
const PLAIN: Paint = (_code, text) => text;
const DIM = 2;
const RED = 31;
const GREEN = 32;
const YELLOW = 33;
const CYAN = 36;
const BOLD = 1;

/** `+12 ms`, `+1.25 s`: how long after the story's first event. */
export function formatOffset(ms: number): string {
  return ms < 1000 ? `+${Math.round(ms)} ms` : `+${(ms / 1000).toFixed(2)} s`;
}

/**
 * The trace as text: a header with the order's final state, the tree in time (box-drawing lines), then
 * where each branch ended. ANSI colours only when `color` (the caller's stdout is a terminal).
 * Written here rather than with a tree-printing package: the ones on npm (archy, treeify) have not
 * been released for years, and the printing is twenty lines.
 */
export function renderText(tree: TraceTree, options: RenderOptions): string {
  const stackNames = options.stackNames ?? [];
  const paint = options.color ? ANSI : PLAIN;
  const style: Style = { paint, name: (name) => shortName(name, stackNames) };
  const out: string[] = [...header(tree, style, stackNames.length > 0), ''];
  for (const root of tree.events) printTree(eventLine(root, style), out);
  if (tree.deadLetters !== undefined) {
    out.push('', paint(BOLD, 'Dead-letter queues'));
    if (tree.deadLetters.length === 0) out.push('  (no message of this order)');
    for (const letter of tree.deadLetters) {
      out.push(`  ${paint(RED, '✘')} ${style.name(letter.queue)}  message ${letter.messageId}${letter.eventId === undefined ? '' : `  event ${letter.eventId}`}  received ${letter.receiveCount}×`, `    reason: ${letter.reason}`);
    }
  }
  out.push('', ...endings(tree, style));
  if (tree.limits.length > 0) out.push('', ...tree.limits.map((limit) => paint(YELLOW, `Note: ${limit}`)));
  return `${out.join('\n')}\n`;
}

function header(tree: TraceTree, { paint }: Style, shortened: boolean): string[] {
  const what = tree.orderId === undefined ? `Event ${tree.id}` : `Order ${tree.orderId}${tree.matchedBy === 'eventId' ? ` (from its event ${tree.id})` : ''}`;
  const from = tree.from === 'flight-recorder' ? "the local cloud's flight recorder" : 'AWS APIs (audit store, dead-letter queues, Orders table)';
  const count = countEvents(tree.events);
  return [
    `${paint(BOLD, what)}: ${finalState(tree, paint)}`,
    paint(DIM, `from ${from}: ${count} event${count === 1 ? '' : 's'}${tree.startedAt === undefined ? '' : `, the first at ${tree.startedAt}`}${tree.traceId === undefined ? '' : `, X-Ray trace ${tree.traceId}`}${shortened ? '; names without their stack prefix and CDK hash (--json: in full)' : ''}`),
  ];
}

function finalState(tree: TraceTree, paint: Paint): string {
  if (tree.order === undefined) return 'status unknown (the Orders table could not be read)';
  if (tree.order === null) return 'no item in the Orders table';
  const final = tree.order.status === 'CANCELLED' || tree.order.status === 'DELIVERED';
  const status = paint(final ? (tree.order.status === 'CANCELLED' ? YELLOW : GREEN) : CYAN, tree.order.status);
  return `${status}${tree.order.cancelReason === undefined ? '' : ` (${tree.order.cancelReason})`}${final ? '' : ' (not final)'}`;
}

function countEvents(events: readonly EventNode[]): number {
  return walkEvents(events).length;
}

function eventLine(event: EventNode, style: Style): Line {
  const { paint, name } = style;
  const by = event.publishedBy === undefined ? '' : paint(DIM, `  published by ${name(event.publishedBy.function)}`);
  const bus = event.bus === undefined ? '' : paint(DIM, `  on ${name(event.bus)}`);
  return {
    text: `${paint(DIM, formatOffset(event.offsetMs))}  ${event.source} ${paint(CYAN, event.detailType)}${event.summary === undefined ? '' : ` ${event.summary}`}  ${paint(DIM, event.eventId)}${bus}${by}`,
    children: [
      ...event.rules.map((rule) => ruleLine(rule, style)),
      ...event.caused.map((caused) => ({ text: paint(DIM, 'caused (its write is not in the recorder):'), children: [eventLine(caused, style)] })),
      ...event.unmatched.map((miss) => ({ text: paint(DIM, `✗ not matched: rule ${name(miss.rule)} (failed on ${miss.field === '' ? 'a field the recorder did not name' : miss.field})`), children: [] })),
    ],
  };
}

function ruleLine(rule: RuleNode, style: Style): Line {
  const { paint, name } = style;
  const target = rule.queue === undefined ? name(rule.target) : `queue ${name(rule.queue)}`;
  return {
    text: `rule ${name(rule.rule)} → ${target}`,
    children: [
      ...rule.deliveryProblems.map((problem) => ({ text: paint(YELLOW, `${formatOffset(problem.offsetMs)}  delivery attempt ${problem.attempt}: ${problem.outcome}${problem.error === undefined ? '' : ` (${problem.error})`}`), children: [] })),
      ...rule.invocations.map((invocation) => invocationLine(invocation, style)),
      ...rule.forwarded.map((event) => eventLine(event, style)),
      { text: endText(rule.end, style), children: [] },
    ],
  };
}

function invocationLine(invocation: InvocationNode, style: Style): Line {
  const { paint, name } = style;
  const result = invocation.recordFailed
    ? paint(RED, `${invocation.result === 'success' ? 'record failed' : invocation.result}${invocation.error === undefined ? '' : `: ${invocation.error}`}`)
    : paint(GREEN, invocation.result);
  const details = [invocation.cold ? 'cold' : 'warm', `${Math.round(invocation.durationMs)} ms`, ...(invocation.batchSize === undefined ? [] : [`batch of ${invocation.batchSize}`]), ...(invocation.attempt > 1 ? [`attempt ${invocation.attempt}`] : [])];
  return {
    text: `${paint(DIM, formatOffset(invocation.offsetMs))}  ${name(invocation.function)}  ${details.join(', ')}  ${result}`,
    children: invocation.writes.map((write) => writeLine(write, style)),
  };
}

function writeLine(write: WriteNode, style: Style): Line {
  const { paint, name } = style;
  const keys = write.keys.map((key) => Object.entries(key).map(([name, value]) => `${name}=${String(value)}`).join(' ')).join('; ');
  return {
    text: `${name(write.table)} ${write.operation}${keys === '' ? '' : ` ${keys}`}${write.refused === undefined ? '' : paint(YELLOW, `  refused: ${write.refused}`)}${write.ofTheBatch ? paint(DIM, '  (by the batch: not told apart by record)') : ''}`,
    children: [
      ...write.published.map((event) => eventLine(event, style)),
      ...write.unpublished.map((id) => ({ text: paint(YELLOW, `… ${id} in the outbox, not published yet (in flight)`), children: [] })),
    ],
  };
}

function endText(end: RuleNode['end'], { paint, name }: Style): string {
  const shownWhere = end.where === undefined ? undefined : name(end.where);
  const where = shownWhere === undefined ? '' : ` ${shownWhere}`;
  const reason = end.reason === undefined ? '' : `: ${end.reason}`;
  switch (end.state) {
    case 'done':
      return paint(GREEN, '✔ done');
    case 'dead-letter':
      return paint(RED, `✘ dead-letter queue${where}${reason}`);
    case 'in-flight':
      return paint(YELLOW, `… in flight${shownWhere === undefined ? '' : `, waiting in ${shownWhere}`}${reason}`);
    case 'failed':
      return paint(RED, `✘ failed${shownWhere === undefined ? '' : ` (${shownWhere})`}${reason}`);
    case 'dropped':
      return paint(RED, `✘ dropped${where}${reason}`);
  }
}

/** Where the branches ended: the done ones counted, every other one named. */
function endings(tree: TraceTree, style: Style): string[] {
  const { paint, name } = style;
  const done = tree.endings.filter((end) => end.state === 'done').length;
  const open = tree.endings.filter((end) => end.state !== 'done');
  const lines = [paint(BOLD, 'Where it ended')];
  if (tree.endings.length === 0 && tree.from === 'aws-apis') lines.push('  (branches need the flight recorder of the local cloud)');
  else lines.push(`  ${paint(GREEN, '✔')} ${done} branch${done === 1 ? '' : 'es'} done`);
  for (const end of open) lines.push(`  ${endText(end, style)}  ${paint(DIM, `(event ${end.eventId}${end.rule === undefined ? '' : `, rule ${name(end.rule)}`})`)}`);
  lines.push(`  Final state: ${finalState(tree, paint)}`);
  return lines;
}

/** Prints a line and its children with box-drawing connectors. */
function printTree(line: Line, out: string[], prefix = '', connector = ''): void {
  out.push(`${prefix}${connector}${line.text}`);
  const childPrefix = prefix + (connector === '' ? '' : connector === '└─ ' ? '   ' : '│  ');
  line.children.forEach((child, index) => printTree(child, out, childPrefix, index === line.children.length - 1 ? '└─ ' : '├─ '));
}
