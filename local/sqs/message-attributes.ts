import { createHash } from 'node:crypto';
import { SqsErrors } from './errors';

/** A message attribute as the JSON protocol carries it (binary values are base64 text). */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export type MessageAttributes = Record<string, MessageAttributeValue>;

const MAX_ATTRIBUTES = 10;
const NAME = /^(?!aws\.|amazon\.)(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/i;

/** Checks message attributes as SQS does; returns their size in bytes (they count toward the message size). */
export function validateMessageAttributes(attributes: MessageAttributes | undefined): number {
  if (attributes === undefined) return 0;
  const entries = Object.entries(attributes);
  if (entries.length > MAX_ATTRIBUTES) {
    throw SqsErrors.invalidParameterValue(`Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  }
  let size = 0;
  for (const [name, value] of entries) {
    if (!NAME.test(name)) throw SqsErrors.invalidParameterValue(`Message attribute name '${name}' is invalid.`);
    const type = value?.DataType;
    if (typeof type !== 'string' || !/^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$/.test(type)) {
      throw SqsErrors.invalidParameterValue(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    const binary = type.startsWith('Binary');
    const raw = binary ? value.BinaryValue : value.StringValue;
    if (raw === undefined || raw === '') {
      throw SqsErrors.invalidParameterValue(`Message (user) attribute '${name}' must contain a non-empty value of type '${type.split('.')[0]}'.`);
    }
    if (type.startsWith('Number') && !Number.isFinite(Number(raw))) {
      throw SqsErrors.invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
    }
    size += Buffer.byteLength(name) + Buffer.byteLength(type) + (binary ? Buffer.from(raw, 'base64').length : Buffer.byteLength(raw));
  }
  return size;
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * MD5 of message attributes by SQS's algorithm (the SDKs verify it): for each attribute in name
 * order, the length-prefixed name, type, a transport byte (1 text, 2 binary) and the value.
 */
export function md5OfMessageAttributes(attributes: MessageAttributes | undefined): string | undefined {
  if (attributes === undefined || Object.keys(attributes).length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name]!;
    const binary = value.DataType.startsWith('Binary');
    parts.push(lengthPrefixed(Buffer.from(name, 'utf8')), lengthPrefixed(Buffer.from(value.DataType, 'utf8')), Buffer.from([binary ? 2 : 1]));
    parts.push(lengthPrefixed(binary ? Buffer.from(value.BinaryValue ?? '', 'base64') : Buffer.from(value.StringValue ?? '', 'utf8')));
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}

export const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** Characters SQS accepts in a body: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. */
// eslint-disable-next-line no-control-regex
const INVALID_CHARACTER = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function validateBody(body: unknown, maximumBytes: number, attributeBytes: number): string {
  if (typeof body !== 'string' || body.length === 0) {
    throw SqsErrors.missingParameter('MessageBody');
  }
  const invalid = INVALID_CHARACTER.exec(body);
  if (invalid !== null) {
    const code = invalid[0].codePointAt(0)!.toString(16);
    throw SqsErrors.invalidMessageContents(`Invalid characters found: the message body contains the character #x${code}, which SQS does not accept.`);
  }
  const bytes = Buffer.byteLength(body) + attributeBytes;
  if (bytes > maximumBytes) {
    throw SqsErrors.invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${maximumBytes} bytes.`);
  }
  return body;
}
