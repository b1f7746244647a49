/** An element of a parsed XML document: its local name (namespace prefix dropped), children and text. */
export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  /** The element's own character data, entities decoded (whitespace kept). */
  text: string;
}

/** Thrown for a document that is not well-formed; S3 answers it as MalformedXML. */
export class XmlSyntaxError extends Error {}

const MAX_DEPTH = 32;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    const named = ENTITIES[entity];
    if (named === undefined) throw new XmlSyntaxError(`unknown entity ${whole}`);
    return named;
  });
}

/**
 * Parses the small XML documents S3 requests carry (CreateBucketConfiguration, Delete,
 * CompleteMultipartUpload, bucket configurations). Attributes are read past and dropped: S3's
 * request shapes carry none that matter here (xmlns, xsi:type of grants).
 */
export function parseXml(source: string): XmlElement {
  let at = 0;
  const skipMisc = () => {
    for (;;) {
      while (at < source.length && /\s/.test(source[at]!)) at++;
      if (source.startsWith('<?', at)) at = endOf('?>', at);
      else if (source.startsWith('<!--', at)) at = endOf('-->', at);
      else if (source.startsWith('<!DOCTYPE', at)) throw new XmlSyntaxError('DOCTYPE is not accepted');
      else return;
    }
  };
  const endOf = (marker: string, from: number) => {
    const end = source.indexOf(marker, from);
    if (end < 0) throw new XmlSyntaxError(`unterminated ${marker}`);
    return end + marker.length;
  };
  const element = (depth: number): XmlElement => {
    // S3's request documents nest a few levels; a deeper one is refused before it can exhaust the stack.
    if (depth > MAX_DEPTH) throw new XmlSyntaxError(`elements nested deeper than ${MAX_DEPTH}`);
    const open = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(source.slice(at, at + 4096));
    if (open === null) throw new XmlSyntaxError(`expected an element at offset ${at}`);
    at += open[0].length;
    const qualified = open[1]!;
    const node: XmlElement = { name: qualified.slice(qualified.indexOf(':') + 1), children: [], text: '' };
    if (open[3] === '/') return node;
    for (;;) {
      const lt = source.indexOf('<', at);
      if (lt < 0) throw new XmlSyntaxError(`element ${qualified} is not closed`);
      node.text += decodeEntities(source.slice(at, lt));
      at = lt;
      if (source.startsWith('</', at)) {
        const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(source.slice(at, at + 512));
        if (close === null || close[1] !== qualified) throw new XmlSyntaxError(`element ${qualified} closed by ${close?.[1] ?? 'nothing'}`);
        at += close[0].length;
        return node;
      }
      if (source.startsWith('<!--', at)) at = endOf('-->', at);
      else if (source.startsWith('<![CDATA[', at)) {
        const end = endOf(']]>', at);
        node.text += source.slice(at + 9, end - 3);
        at = end;
      } else node.children.push(element(depth + 1));
    }
  };
  skipMisc();
  const root = element(1);
  skipMisc();
  if (at !== source.length) throw new XmlSyntaxError('content after the root element');
  return root;
}

/** The first child named `name`, if any. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/** The trimmed text of the first child named `name`, if any. */
export function childText(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text.trim();
}

/** A value to write as XML: objects become elements by key, arrays repeat their element, undefined is left out. */
export type XmlValue = string | number | boolean | Date | undefined | null | XmlValue[] | { readonly [name: string]: XmlValue };

/** Escapes character data for an element's text. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' } as Record<string, string>)[c]};`);
}

function render(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => render(name, item)).join('');
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => render(k, v)).join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** S3's namespace, on the root of every answer. */
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A whole XML document with `root` in S3's namespace. */
export function xmlDocument(root: string, content: { readonly [name: string]: XmlValue } | string): string {
  const inner = typeof content === 'string' ? escapeXml(content) : Object.entries(content).map(([k, v]) => render(k, v)).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NAMESPACE}">${inner}</${root}>`;
}
