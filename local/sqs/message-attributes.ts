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
const MAX_NAME_LENGTH = 256;
const MAX_TYPE_LENGTH = 256;
/**
 * Letters of any script, digits, `_`, `-` and `.` (AWS accepted `attr.1øßä` and refused `!`, `"`, `§`,
 * `(`, `?`: test_send_message_with_invalid_string_attributes).
 */
const NAME_CHARACTERS = /^[\p{L}\p{N}_.-]+$/u;
const RESERVED_PREFIX = /^(aws|amazon)\./i;
const DATA_TYPE = /^(String|Number|Binary)(\..+)?$/;

/**
 * Checks message attributes as SQS does (names, types, values); returns their size in bytes: name,
 * type and value, which count toward the queue's MaximumMessageSize.
 */
export function validateMessageAttributes(attributes: MessageAttributes | undefined): number {
  if (attributes === undefined || attributes === null) return 0;
  const entries = Object.entries(attributes);
  if (entries.length > MAX_ATTRIBUTES) {
    throw SqsErrors.invalidParameterValue(`Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  }
  let size = 0;
  for (const [name, value] of entries) {
    validateName(name);
    size += Buffer.byteLength(name) + validateValue(name, value);
  }
  return size;
}

function validateName(name: string): void {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw SqsErrors.invalidParameterValue(`Message (user) attribute name '${name}' is invalid. Reason: it must be 1 to ${MAX_NAME_LENGTH} characters long.`);
  }
  if (!NAME_CHARACTERS.test(name)) {
    throw SqsErrors.invalidParameterValue(
      `Message (user) attribute name '${name}' is invalid. Reason: it can only contain letters, digits, periods, hyphens and underscores.`,
    );
  }
  if (RESERVED_PREFIX.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    throw SqsErrors.invalidParameterValue(
      `Message (user) attribute name '${name}' is invalid. Reason: names beginning with 'AWS.' or 'Amazon.' are reserved, and a name cannot start or end with a period or hold two in a row.`,
    );
  }
}

/** Checks one attribute's type and value; returns the bytes of the type and value. */
function validateValue(name: string, value: MessageAttributeValue | undefined): number {
  const type = value?.DataType;
  if (typeof type !== 'string' || type === '') throw SqsErrors.invalidParameterValue(`The message (user) attribute '${name}' must contain a DataType.`);
  if (!DATA_TYPE.test(type) || type.length > MAX_TYPE_LENGTH) {
    throw SqsErrors.invalidParameterValue(
      `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    );
  }
  const base = type.split('.')[0]!;
  const raw = base === 'Binary' ? value!.BinaryValue : value!.StringValue;
  if (raw === undefined || raw === null || raw === '') {
    throw SqsErrors.invalidParameterValue(`Message (user) attribute '${name}' must contain a non-empty value of type '${base}'.`);
  }
  if (base === 'Number' && !Number.isFinite(Number(raw))) {
    throw SqsErrors.invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
  if (base !== 'Binary' && INVALID_CHARACTER.test(raw)) {
    throw SqsErrors.invalidParameterValue(`Message (user) attribute '${name}' has an invalid value. ${INVALID_CHARACTERS_REASON}`);
  }
  return Buffer.byteLength(type) + (base === 'Binary' ? Buffer.from(raw, 'base64').length : Buffer.byteLength(raw));
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * MD5 of message attributes by SQS's algorithm (the SDKs verify it): for each attribute in name
 * order, the length-prefixed name, type, a transport byte (1 text, 2 binary) and the value. The same
 * digest covers message system attributes (`MD5OfMessageSystemAttributes`).
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

/**
 * The message system attributes a sender may set: only `AWSTraceHeader`, a String. Returns the
 * trace header, if any.
 */
export function validateSystemAttributes(attributes: MessageAttributes | undefined): string | undefined {
  if (attributes === undefined || attributes === null) return undefined;
  for (const [name, value] of Object.entries(attributes)) {
    if (name !== 'AWSTraceHeader') {
      throw SqsErrors.invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    }
    if (value?.DataType !== 'String') {
      throw SqsErrors.invalidParameterValue(`Message system attribute 'AWSTraceHeader' must be of type 'String'.`);
    }
    if (value.StringValue === undefined || value.StringValue === '') {
      throw SqsErrors.invalidParameterValue(`Message system attribute 'AWSTraceHeader' must contain a non-empty value of type 'String'.`);
    }
  }
  return attributes['AWSTraceHeader']?.StringValue;
}

/** Characters SQS accepts in a body: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. */
// eslint-disable-next-line no-control-regex
const INVALID_CHARACTER = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const INVALID_CHARACTERS_REASON =
  'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF';

/**
 * Checks a body: present and non-empty, valid characters, and with its attributes within the queue's
 * maximum size. A batch entry that is too long is reported in the batch's own words.
 */
export function validateBody(body: unknown, maximumBytes: number, attributeBytes: number, inBatch = false): string {
  if (typeof body !== 'string' || body.length === 0) {
    throw SqsErrors.missingParameter('MessageBody');
  }
  if (INVALID_CHARACTER.test(body)) throw SqsErrors.invalidMessageContents(INVALID_CHARACTERS_REASON);
  const bytes = Buffer.byteLength(body) + attributeBytes;
  if (bytes > maximumBytes) {
    const preface = inBatch ? 'One or more parameters cannot be validated.' : 'One or more parameters are invalid.';
    throw SqsErrors.invalidParameterValue(`${preface} Reason: Message must be shorter than ${maximumBytes} bytes.`);
  }
  return body;
}

/** Bytes a message contributes to a batch's total: body and attributes. */
export function messageBytes(body: unknown, attributes: MessageAttributes | undefined): number {
  let size = typeof body === 'string' ? Buffer.byteLength(body) : 0;
  for (const [name, value] of Object.entries(attributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value?.DataType ?? '');
    const raw = value?.DataType?.startsWith('Binary') ? Buffer.from(value.BinaryValue ?? '', 'base64').length : Buffer.byteLength(value?.StringValue ?? '');
    size += raw;
  }
  return size;
}
