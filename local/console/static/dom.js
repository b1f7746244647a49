/**
 * A tiny element builder: h('div', { class: 'x', 'data-id': id }, child, 'text'). Text is always set
 * as text (never parsed as HTML), so names and messages from the pipeline cannot inject markup.
 */
export function h(tag, attributes = {}, ...children) {
  const svg = SVG_TAGS.has(tag);
  const element = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const SVG_TAGS = new Set(['svg', 'g', 'rect', 'path', 'text', 'title', 'defs', 'marker', 'tspan']);

/** A resource name without the CloudFormation suffix and the stack's prefix: `Shop-dev-Orders-RecordOrderQueue32D08339` -> `Orders-RecordOrderQueue`. */
export function shortName(name) {
  const base = name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name;
  const parts = base.replace(/[0-9A-F]{8}$/, '').split('-');
  return parts.length >= 3 ? parts.slice(-2).join('-') : parts.join('-');
}

/** The last segment of a queue URL or ARN (hops and routes may name a queue either way). */
export function queueName(nameOrAddress) {
  return String(nameOrAddress).split(/[/:]/).pop();
}

export function time(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().slice(11, 23);
}
