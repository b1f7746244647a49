/**
 * Writes JavaScript values as the XML of the AWS query protocol, the way the SDKs read it:
 * an object's fields are elements in order; an array is a list of `<member>` elements (an empty
 * array an empty element, which the SDKs read as `[]`); a Date is ISO-8601; booleans are
 * `true`/`false`; undefined and null fields are left out. {@link XmlMap} writes a map's
 * `<entry><key>..</key><value>..</value></entry>` items.
 */

/** A map written as `<entry>` items (query maps are not plain objects on the wire). */
export class XmlMap {
  constructor(
    readonly entries: Readonly<Record<string, unknown>>,
    readonly keyName = 'key',
    readonly valueName = 'value',
  ) {}
}

/** A list whose items are named other than `member` (a shape with an `xmlName` on its member). */
export class XmlList {
  constructor(
    readonly items: readonly unknown[],
    readonly memberName: string,
  ) {}
}

/** The answer to a query-protocol action: `<ActionResponse xmlns><ActionResult>..</ActionResult><ResponseMetadata>..`. */
export function queryResponseXml(action: string, xmlns: string, result: Record<string, unknown> | undefined, requestId: string): string {
  const body = result === undefined ? '' : element(`${action}Result`, result);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${escapeXml(xmlns)}">${body}<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>\n`;
}

/** An error of the query protocol: `Sender` for the client's mistakes (4xx), `Receiver` for the service's own. */
export function queryErrorXml(code: string, message: string, status: number, requestId: string, xmlns?: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const namespace = xmlns === undefined ? '' : ` xmlns="${escapeXml(xmlns)}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${namespace}><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>\n`;
}

/** One element holding a value, written by the rules above. */
export function element(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return listElement(name, value, 'member');
  if (value instanceof XmlList) return listElement(name, value.items, value.memberName);
  if (value instanceof XmlMap) {
    const entries = Object.entries(value.entries).filter(([, v]) => v !== undefined && v !== null);
    if (entries.length === 0) return `<${name}/>`;
    return `<${name}>${entries.map(([k, v]) => `<entry>${element(value.keyName, k)}${element(value.valueName, v)}</entry>`).join('')}</${name}>`;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v))
      .join('');
    return inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function listElement(name: string, items: readonly unknown[], memberName: string): string {
  const inner = items.map((item) => element(memberName, item)).join('');
  return inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`;
}

/**
 * Escapes text for an element or attribute. Carriage returns are written as references, as XML
 * readers turn a raw CR LF into LF (a template body keeps its line ends); characters XML 1.0 cannot
 * hold at all (other C0 controls, lone surrogates) are dropped.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[&<>"'\r]/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };
