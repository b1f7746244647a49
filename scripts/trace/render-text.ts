import type { EventNode, InvocationNode, RuleNode, TraceTree, WriteNode } from './trace-tree';

/** A line of the tree and the lines under it. */
interface Line {
  readonly text: string;
  readonly children: readonly Line[];
}

type Paint = (code: number, text: string) => string;
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
export function renderText(tree: TraceTree, color: boolean): string {
  const paint = color ? ANSI : PLAIN;
  const out: string[] = [...header(tree, paint), ''];
  for (const root of tree.events) printTree(eventLine(root, paint), out);
  if (tree.deadLetters !== undefined) {
    out.push('', paint(BOLD, 'Dead-letter queues'));
    if (tree.deadLetters.length === 0) out.push('  (no message of this order)');
    for (const letter of tree.deadLetters) {
      out.push(`  ${paint(RED, '✘')} ${letter.queue}  message ${letter.messageId}${letter.eventId === undefined ? '' : `  event ${letter.eventId}`}  received ${letter.receiveCount}×`, `    reason: ${letter.reason}`);
    }
  }
  out.push('', ...endings(tree, paint));
  if (tree.limits.length > 0) out.push('', ...tree.limits.map((limit) => paint(YELLOW, `Note: ${limit}`)));
  return `${out.join('\n')}\n`;
}

function header(tree: TraceTree, paint: Paint): string[] {
  const what = tree.orderId === undefined ? `Event ${tree.id}` : `Order ${tree.orderId}${tree.matchedBy === 'eventId' ? ` (from its event ${tree.id})` : ''}`;
  const from = tree.from === 'flight-recorder' ? "the local cloud's flight recorder" : 'AWS APIs (audit store, dead-letter queues, Orders table)';
  const count = countEvents(tree.events);
  return [
    `${paint(BOLD, what)}: ${finalState(tree, paint)}`,
    paint(DIM, `from ${from}: ${count} event${count === 1 ? '' : 's'}${tree.startedAt === undefined ? '' : `, the first at ${tree.startedAt}`}${tree.traceId === undefined ? '' : `, X-Ray trace ${tree.traceId}`}`),
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
  let count = 0;
  const visit = (event: EventNode) => {
    count++;
    event.caused.forEach(visit);
    for (const rule of event.rules) {
      rule.forwarded.forEach(visit);
      for (const invocation of rule.invocations) for (const write of invocation.writes) write.published.forEach(visit);
    }
  };
  events.forEach(visit);
  return count;
}

function eventLine(event: EventNode, paint: Paint): Line {
  const by = event.publishedBy === undefined ? '' : paint(DIM, `  published by ${event.publishedBy.function}`);
  const bus = event.bus === undefined ? '' : paint(DIM, `  on ${event.bus}`);
  return {
    text: `${paint(DIM, formatOffset(event.offsetMs))}  ${event.source} ${paint(CYAN, event.detailType)}  ${paint(DIM, event.eventId)}${bus}${by}`,
    children: [
      ...event.rules.map((rule) => ruleLine(rule, paint)),
      ...event.caused.map((caused) => ({ text: paint(DIM, 'caused (its write is not in the recorder):'), children: [eventLine(caused, paint)] })),
      ...event.unmatched.map((miss) => ({ text: paint(DIM, `✗ not matched: rule ${miss.rule} (failed on ${miss.field === '' ? 'a field the recorder did not name' : miss.field})`), children: [] })),
    ],
  };
}

function ruleLine(rule: RuleNode, paint: Paint): Line {
  const target = rule.queue === undefined ? rule.target : `queue ${rule.queue}`;
  return {
    text: `rule ${rule.rule} → ${target}`,
    children: [
      ...rule.deliveryProblems.map((problem) => ({ text: paint(YELLOW, `${formatOffset(problem.offsetMs)}  delivery attempt ${problem.attempt}: ${problem.outcome}${problem.error === undefined ? '' : ` (${problem.error})`}`), children: [] })),
      ...rule.invocations.map((invocation) => invocationLine(invocation, paint)),
      ...rule.forwarded.map((event) => eventLine(event, paint)),
      { text: endText(rule.end, paint), children: [] },
    ],
  };
}

function invocationLine(invocation: InvocationNode, paint: Paint): Line {
  const result = invocation.recordFailed
    ? paint(RED, `${invocation.result === 'success' ? 'record failed' : invocation.result}${invocation.error === undefined ? '' : `: ${invocation.error}`}`)
    : paint(GREEN, invocation.result);
  const details = [invocation.cold ? 'cold' : 'warm', `${Math.round(invocation.durationMs)} ms`, ...(invocation.batchSize === undefined ? [] : [`batch of ${invocation.batchSize}`]), ...(invocation.attempt > 1 ? [`attempt ${invocation.attempt}`] : [])];
  return {
    text: `${paint(DIM, formatOffset(invocation.offsetMs))}  ${invocation.function}  ${details.join(', ')}  ${result}`,
    children: invocation.writes.map((write) => writeLine(write, paint)),
  };
}

function writeLine(write: WriteNode, paint: Paint): Line {
  const keys = write.keys.map((key) => Object.entries(key).map(([name, value]) => `${name}=${String(value)}`).join(' ')).join('; ');
  return {
    text: `${write.table} ${write.operation}${keys === '' ? '' : ` ${keys}`}${write.refused === undefined ? '' : paint(YELLOW, `  refused: ${write.refused}`)}`,
    children: [
      ...write.published.map((event) => eventLine(event, paint)),
      ...write.unpublished.map((id) => ({ text: paint(YELLOW, `… ${id} in the outbox, not published yet (in flight)`), children: [] })),
    ],
  };
}

function endText(end: RuleNode['end'], paint: Paint): string {
  const where = end.where === undefined ? '' : ` ${end.where}`;
  const reason = end.reason === undefined ? '' : `: ${end.reason}`;
  switch (end.state) {
    case 'done':
      return paint(GREEN, '✔ done');
    case 'dead-letter':
      return paint(RED, `✘ dead-letter queue${where}${reason}`);
    case 'in-flight':
      return paint(YELLOW, `… in flight${end.where === undefined ? '' : `, waiting in ${end.where}`}${reason}`);
    case 'failed':
      return paint(RED, `✘ failed${end.where === undefined ? '' : ` (${end.where})`}${reason}`);
    case 'dropped':
      return paint(RED, `✘ dropped${where}${reason}`);
  }
}

/** Where the branches ended: the done ones counted, every other one named. */
function endings(tree: TraceTree, paint: Paint): string[] {
  const done = tree.endings.filter((end) => end.state === 'done').length;
  const open = tree.endings.filter((end) => end.state !== 'done');
  const lines = [paint(BOLD, 'Where it ended')];
  if (tree.endings.length === 0 && tree.from === 'aws-apis') lines.push('  (branches need the flight recorder of the local cloud)');
  else lines.push(`  ${paint(GREEN, '✔')} ${done} branch${done === 1 ? '' : 'es'} done`);
  for (const end of open) lines.push(`  ${endText(end, paint)}  ${paint(DIM, `(event ${end.eventId}${end.rule === undefined ? '' : `, rule ${end.rule}`})`)}`);
  lines.push(`  Final state: ${finalState(tree, paint)}`);
  return lines;
}

/** Prints a line and its children with box-drawing connectors. */
function printTree(line: Line, out: string[], prefix = '', connector = ''): void {
  out.push(`${prefix}${connector}${line.text}`);
  const childPrefix = prefix + (connector === '' ? '' : connector === '└─ ' ? '   ' : '│  ');
  line.children.forEach((child, index) => printTree(child, out, childPrefix, index === line.children.length - 1 ? '└─ ' : '├─ '));
}
