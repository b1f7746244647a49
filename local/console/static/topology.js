import { getJson, status } from './api.js';
import { h, shortName } from './dom.js';
import { HopCounts } from './hop-counts.js';

const COLUMNS = ['bus', 'rule', 'queue', 'function', 'table', 'relay'];
const TITLES = { bus: 'Buses', rule: 'Rules', queue: 'Queues', function: 'Functions', table: 'Tables', relay: 'Outbox relays' };
const NODE_W = 186;
const NODE_H = 40;
const ROW = 50;
/** Room between columns for the edges' counts. */
const GAP = 78;
const COL = NODE_W + GAP;
const LEFT = 30;
const TOP = 36;
/** Under the nodes: the lines back to a bus (relays publishing, a rule forwarding) run there. */
const RETURN_SPACE = 56;

/**
 * The topology view: the deployed app as columns (bus -> rule -> queue -> function -> table ->
 * relay -> back to the bus), each edge labelled with its count, each dead-letter queue a badge on
 * what feeds it. Counts are refreshed in place every second; the graph is drawn again only when the
 * deployment changes.
 */
export async function startTopology(container) {
  let shape = '';
  let layout;
  let parts;
  /** Drawn again when the deployment changed (a `cdk deploy` to the running cloud, a new queue). */
  const redraw = async () => {
    const topology = await getJson('/_local/console/api/topology');
    const json = JSON.stringify(topology);
    if (json !== shape) {
      shape = json;
      layout = layOut(topology);
      parts = draw(container, layout);
    }
    return topology;
  };
  const first = await redraw();
  const hops = new HopCounts();
  let busy = false;
  let polls = 0;
  const refresh = async () => {
    if (busy || document.hidden) return;
    busy = true;
    try {
      if (++polls % 5 === 0) await redraw();
      const [counts] = await Promise.all([getJson('/_local/console/api/counts'), hops.poll()]);
      update(parts, layout, counts, hops);
    } catch (error) {
      status(`counts: ${error.message}`, 'error');
    } finally {
      busy = false;
    }
  };
  await refresh();
  setInterval(refresh, 1000);
  return first;
}

/** Columns and rows: each column in the order of the pipeline that feeds it (fewer crossings). */
function layOut(topology) {
  const byId = new Map(topology.nodes.map((n) => [n.id, n]));
  const out = (id, kind) => topology.edges.filter((e) => e.from === id && (kind === undefined || e.kind === kind));
  const column = (n) => (n.kind === 'function' && n.relay ? 'relay' : n.kind);
  const placed = new Map(COLUMNS.map((c) => [c, []]));
  const place = (id) => {
    const node = byId.get(id);
    if (node === undefined || node.deadLetter) return;
    const list = placed.get(column(node));
    if (!list.includes(node)) list.push(node);
  };
  const buses = topology.nodes.filter((n) => n.kind === 'bus').sort((a, b) => out(b.id).length - out(a.id).length);
  for (const bus of buses) place(bus.id);
  for (const bus of buses) for (const e of out(bus.id, 'matches')) place(e.to);
  for (const rule of placed.get('rule')) for (const e of out(rule.id, 'delivers')) place(e.to);
  for (const queue of placed.get('queue')) for (const e of out(queue.id, 'polls')) place(e.to);
  for (const fn of placed.get('function')) for (const e of out(fn.id, 'writes')) place(e.to);
  for (const table of placed.get('table')) for (const e of out(table.id, 'streams')) place(e.to);
  for (const n of topology.nodes) place(n.id);

  const tallest = Math.max(...[...placed.values()].map((l) => l.length));
  const positions = new Map();
  COLUMNS.forEach((c, i) => {
    const list = placed.get(c);
    const offset = ((tallest - list.length) * ROW) / 2;
    list.forEach((n, row) => positions.set(n.id, { x: LEFT + i * COL, y: TOP + offset + row * ROW }));
  });
  const deadLetters = new Map();
  for (const e of topology.edges) if (e.kind === 'dead-letter') deadLetters.set(e.from, [...(deadLetters.get(e.from) ?? []), byId.get(e.to)]);
  const edges = topology.edges.filter((e) => e.kind !== 'dead-letter' && positions.has(e.from) && positions.has(e.to));
  return { byId, placed, positions, edges, deadLetters, labels: labelsOf(topology.nodes), width: LEFT + COLUMNS.length * COL, height: TOP + tallest * ROW + RETURN_SPACE };
}

/** Each node's label: the last part of its name, or the last two where several nodes share the last part (`Orders-FailuresTable`). */
function labelsOf(nodes) {
  const short = (name, parts) => shortName(name).split('-').slice(-parts).join('-');
  const seen = new Map();
  for (const n of nodes) seen.set(short(n.name, 1), (seen.get(short(n.name, 1)) ?? 0) + 1);
  return new Map(nodes.map((n) => [n.id, fit(withoutKind(seen.get(short(n.name, 1)) > 1 ? short(n.name, 2) : short(n.name, 1), n.kind))]));
}

/** The column already says what a node is: `RecordOrderQueue` in the Queues column reads `RecordOrder`. */
function withoutKind(label, kind) {
  const suffix = { bus: 'Bus', rule: 'Rule', queue: 'Queue', function: 'Function', table: 'Table' }[kind];
  return label.endsWith(suffix) && label.length > suffix.length ? label.slice(0, -suffix.length) : label;
}

/** At most `max` characters: whole words (camel case) dropped from the front (the tooltip has the full name). */
function fit(label, max = 24) {
  if (label.length <= max) return label;
  const words = label.split(/(?=[A-Z])/);
  while (words.length > 1 && words.join('').length > max - 1) words.shift();
  return `…${words.join('')}`;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * An edge's path and where its count goes: forward edges curve across the gap, their count right
 * before the node they reach (stacked when several reach one node); edges back to a bus run under the
 * graph and up the left margin into the bus, their count right after the node they leave.
 */
function route(from, to, rank, height) {
  const a = { x: from.x + NODE_W, y: from.y + NODE_H / 2 };
  const b = { x: to.x, y: to.y + NODE_H / 2 };
  if (b.x > a.x) {
    const dx = (b.x - a.x) / 2;
    return { d: `M${a.x},${a.y} C${a.x + dx},${a.y} ${b.x - dx},${b.y} ${b.x},${b.y}`, label: { x: b.x - 7, y: b.y - 5 + rank.into * 12, anchor: 'end' } };
  }
  const bottom = height - RETURN_SPACE + 14 + rank.back * 7;
  const left = 8 + rank.back * 4;
  return {
    d: `M${a.x},${a.y} C${a.x + 34},${a.y} ${a.x + 34},${bottom} ${a.x},${bottom} L${left + 10},${bottom} Q${left},${bottom} ${left},${bottom - 10} L${left},${b.y + 10} Q${left},${b.y} ${left + 10},${b.y} L${b.x},${b.y}`,
    label: { x: a.x + 6, y: a.y - 5, anchor: 'start' },
  };
}

function draw(container, layout) {
  const width = layout.width + 70;
  const svg = h('svg', { class: 'topology', viewBox: `0 0 ${width} ${layout.height}`, width, height: layout.height, role: 'img', 'aria-label': 'topology of the deployed app' },
    h('defs', {}, h('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '6', markerHeight: '6', orient: 'auto-start-reverse' }, h('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }))));
  COLUMNS.forEach((c, i) => svg.append(h('text', { x: LEFT + i * COL, y: 18, class: 'column-title' }, TITLES[c])));
  const edgeLabels = new Map();
  const into = new Map();
  let back = 0;
  for (const e of layout.edges) {
    const from = layout.positions.get(e.from);
    const to = layout.positions.get(e.to);
    const forward = to.x > from.x;
    const rank = { into: forward ? (into.get(e.to) ?? 0) : 0, back: forward ? 0 : back++ };
    if (forward) into.set(e.to, rank.into + 1);
    const { d, label } = route(from, to, rank, layout.height);
    svg.append(h('path', { d, class: `edge edge-${e.kind}${forward ? '' : ' edge-back'}`, 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }));
    edgeLabels.set(`${e.from}>${e.to}`, h('text', { x: label.x, y: label.y, 'text-anchor': label.anchor, class: 'edge-label zero', 'data-edge': `${e.from}>${e.to}`, 'data-count': '0' }));
  }
  const nodeStats = new Map();
  const badges = new Map();
  for (const [id, at] of layout.positions) {
    const node = layout.byId.get(id);
    const stats = h('text', { x: at.x + 8, y: at.y + 32, class: 'node-stats', 'data-stats': id });
    const g = h('g', { class: `node node-${node.kind}${node.relay ? ' node-relay' : ''}`, 'data-node-id': id, 'data-name': node.name },
      h('title', {}, node.name),
      h('rect', { x: at.x, y: at.y, width: NODE_W, height: NODE_H, rx: 6 }),
      h('text', { x: at.x + 8, y: at.y + 16, class: 'node-name' }, layout.labels.get(id)),
      stats);
    const dlqs = layout.deadLetters.get(id) ?? [];
    if (dlqs.length > 0) {
      const badge = h('text', { x: at.x + NODE_W - 6, y: at.y + 16, class: 'dlq-badge', 'text-anchor': 'end', 'data-dlq-of': id, 'data-count': '0' });
      g.append(h('title', {}, `dead-letter queues: ${dlqs.map((q) => q.name).join(', ')}`), badge);
      badges.set(id, { badge, queues: dlqs.map((q) => q.name) });
    }
    svg.append(g);
    nodeStats.set(id, stats);
  }
  for (const label of edgeLabels.values()) svg.append(label);
  container.replaceChildren(svg);
  return { edgeLabels, nodeStats, badges };
}

function setCount(element, value, text) {
  element.textContent = text;
  element.dataset.count = String(value);
  element.classList.toggle('zero', value === 0);
}

function update(parts, layout, counts, hops) {
  const mappingCount = (key) => counts.mappings[key] ?? { batches: 0, records: 0, failed: 0 };
  for (const e of layout.edges) {
    const key = `${e.from}>${e.to}`;
    const label = parts.edgeLabels.get(key);
    const to = layout.byId.get(e.to);
    const from = layout.byId.get(e.from);
    if (e.kind === 'matches') {
      const n = hops.matched.get(to.name) ?? 0;
      setCount(label, n, hops.available ? `${n} matched` : '');
    } else if (e.kind === 'delivers') {
      const n = hops.delivered.get(from.name) ?? 0;
      setCount(label, n, hops.available ? `${n} delivered` : '');
    } else if (e.kind === 'polls' || e.kind === 'streams') {
      const m = mappingCount(key);
      setCount(label, m.records, plural(m.records, e.kind === 'polls' ? 'msg' : 'record'));
      label.dataset.failed = String(m.failed);
      if (m.failed > 0) label.append(h('tspan', { x: label.getAttribute('x'), dy: '12', class: 'bad' }, `${m.failed} failed`));
    } else if (e.kind === 'writes') {
      const n = hops.writesBy.get(`${from.name}>${to.name}`) ?? 0;
      setCount(label, n, hops.available && n > 0 ? plural(n, 'write') : '');
    } else if (e.kind === 'publishes') {
      const n = hops.published.get(from.name) ?? 0;
      setCount(label, n, hops.available ? `${n} published` : '');
    }
  }
  for (const [id, stats] of parts.nodeStats) {
    const node = layout.byId.get(id);
    if (node.kind === 'queue') {
      const q = counts.queues[node.name] ?? { visible: 0, inFlight: 0, delayed: 0 };
      const sent = hops.sent.get(node.name);
      stats.textContent = `${q.visible} waiting · ${q.inFlight} in flight${sent === undefined ? '' : ` · ${sent} sent`}`;
      stats.dataset.visible = String(q.visible);
      stats.dataset.inFlight = String(q.inFlight);
    } else if (node.kind === 'function') {
      const n = hops.invocations.get(node.name) ?? 0;
      const errors = hops.errors.get(node.name) ?? 0;
      stats.textContent = hops.available ? `${plural(n, 'invocation')}${errors > 0 ? ` · ${errors} failed` : ''}` : '';
      stats.dataset.invocations = String(n);
      stats.classList.toggle('bad', errors > 0);
    } else if (node.kind === 'table') {
      const n = hops.writes.get(node.name) ?? 0;
      stats.textContent = hops.available ? plural(n, 'write') : '';
      stats.dataset.writes = String(n);
    }
  }
  for (const { badge, queues } of parts.badges.values()) {
    const n = queues.reduce((sum, name) => sum + (counts.queues[name]?.visible ?? 0) + (counts.queues[name]?.inFlight ?? 0), 0);
    // Shown when it holds messages (the node's tooltip names its DLQs either way).
    setCount(badge, n, n > 0 ? `DLQ ${n}` : '');
    badge.classList.toggle('bad', n > 0);
  }
}
