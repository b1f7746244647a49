import fc from 'fast-check';
import { ManualClock } from '../../local/clock';
import { md5OfMessageAttributes, validateMessageAttributes, type MessageAttributes } from '../../local/sqs/message-attributes';
import { validateFifoId } from '../../local/sqs/message-ids';
import { SqsQueue, type Received } from '../../local/sqs/queue';

/**
 * Properties of SQS's message rules as the local queue implements them: FIFO order within a group
 * and the group lock (SQS Developer Guide, FIFO delivery logic; test_fifo_* in localstack's AWS-validated
 * tests), standard queues losing nothing, the FIFO id alphabet, and the attribute digest.
 */

function newQueue(name: string, attributes: Record<string, string> = {}): { queue: SqsQueue; clock: ManualClock } {
  const clock = new ManualClock();
  const queue = new SqsQueue(name, `arn:aws:sqs:us-east-1:000000000000:${name}`, `http://local/000000000000/${name}`, attributes, {
    clock,
    deadLetter: () => false,
    changed: () => undefined,
  });
  return { queue, clock };
}

const groupOf = (received: Received) => received.message.groupId!;

describe('FIFO queues', () => {
  it('deliver each group in send order, never two receives holding one group, whatever the receives and deletes', () => {
    const sends = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 30 });
    const actions = fc.array(fc.record({ max: fc.integer({ min: 1, max: 10 }), deleteAll: fc.boolean(), expire: fc.boolean() }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(sends, actions, (groups, steps) => {
        // Prepare
        const { queue, clock } = newQueue('p.fifo', { FifoQueue: 'true', VisibilityTimeout: '10' });
        groups.forEach((group, index) => queue.send({ body: `${group}-${index}`, groupId: group, dedupId: String(index) }));
        const delivered = new Map<string, number[]>();
        let inFlight: Received[] = [];

        // Act
        for (const step of steps) {
          const got = queue.take(step.max);
          // Assess: a receive never takes a group that an earlier receive still holds, and a group's
          // messages are contiguous and in order within the answer.
          const held = new Set(inFlight.map(groupOf));
          for (const received of got) expect(held.has(groupOf(received))).toBe(false);
          const seenGroups: string[] = [];
          for (const received of got) {
            const group = groupOf(received);
            if (seenGroups.at(-1) !== group) {
              expect(seenGroups).not.toContain(group);
              seenGroups.push(group);
            }
            const index = Number(received.message.body.split('-')[1]);
            const previous = delivered.get(group) ?? [];
            if (step.deleteAll) expect(previous.every((earlier) => earlier < index)).toBe(true);
            delivered.set(group, step.deleteAll ? [...previous, index] : previous);
          }
          inFlight.push(...got);
          if (step.deleteAll) {
            for (const received of got) queue.delete(received.receiptHandle);
            inFlight = inFlight.filter((received) => !got.includes(received));
          } else if (step.expire) {
            clock.advance(10_000);
            inFlight = [];
          }
        }
      }),
    );
  });

  it('number messages with 20-digit sequence numbers that rise with every send', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b'), { minLength: 2, maxLength: 40 }), (groups) => {
        const { queue } = newQueue('n.fifo', { FifoQueue: 'true' });
        const numbers = groups.map((group, index) => BigInt(queue.send({ body: String(index), groupId: group, dedupId: String(index) }).message.sequenceNumber!));
        for (const [index, number] of numbers.entries()) {
          expect(String(number)).toMatch(/^\d{20}$/);
          if (index > 0) expect(number > numbers[index - 1]!).toBe(true);
        }
      }),
    );
  });

  it('drain every message exactly once, each group in order, when every receive is deleted', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('x', 'y', 'z'), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 10 }), (groups, max) => {
        const { queue } = newQueue('d.fifo', { FifoQueue: 'true' });
        groups.forEach((group, index) => queue.send({ body: `${group}-${index}`, groupId: group, dedupId: String(index) }));
        const order = new Map<string, number[]>();
        for (let got = queue.take(max); got.length > 0; got = queue.take(max)) {
          for (const received of got) {
            order.set(groupOf(received), [...(order.get(groupOf(received)) ?? []), Number(received.message.body.split('-')[1])]);
            queue.delete(received.receiptHandle);
          }
        }
        const expected = new Map<string, number[]>();
        groups.forEach((group, index) => expected.set(group, [...(expected.get(group) ?? []), index]));
        expect(order).toEqual(expected);
      }),
    );
  });
});

describe('standard queues', () => {
  it('lose nothing and duplicate nothing across receives, visibility timeouts and deletes', () => {
    const actions = fc.array(fc.record({ max: fc.integer({ min: 1, max: 10 }), delete: fc.boolean(), wait: fc.integer({ min: 0, max: 40 }) }), { maxLength: 40 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), actions, (count, steps) => {
        const { queue, clock } = newQueue('s', { VisibilityTimeout: '30' });
        for (let index = 0; index < count; index++) queue.send({ body: String(index) });
        const deleted = new Set<string>();
        for (const step of [...steps, ...Array.from({ length: 40 }, () => ({ max: 10, delete: true, wait: 31 }))]) {
          const got = queue.take(step.max);
          const bodies = got.map((received) => received.message.body);
          expect(new Set(bodies).size).toBe(bodies.length);
          for (const body of bodies) expect(deleted.has(body)).toBe(false);
          if (step.delete) for (const received of got) (queue.delete(received.receiptHandle), deleted.add(received.message.body));
          clock.advance(step.wait * 1000);
        }
        expect(deleted.size).toBe(count);
      }),
    );
  });
});

describe('message ids and attributes', () => {
  const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
  const allowed = fc.constantFrom(...`abcXYZ019${PUNCTUATION}`.split(''));

  it('accept a group or deduplication id of 1-128 alphanumeric or punctuation characters, and refuse any other', () => {
    fc.assert(fc.property(fc.array(allowed, { minLength: 1, maxLength: 128 }), (chars) => expect(validateFifoId(chars.join(''), 'MessageGroupId')).toBe(chars.join(''))));
    fc.assert(
      fc.property(fc.array(allowed, { maxLength: 60 }), fc.constantFrom(' ', '\t', 'é', '\u0000', '€'), fc.array(allowed, { maxLength: 60 }), (before, bad, after) => {
        expect(() => validateFifoId([...before, bad, ...after].join(''), 'MessageGroupId')).toThrow(/can only include alphanumeric and punctuation characters/);
      }),
    );
    fc.assert(fc.property(fc.array(allowed, { minLength: 129, maxLength: 200 }), (chars) => expect(() => validateFifoId(chars.join(''), 'MessageDeduplicationId')).toThrow()));
  });

  it('refuse attribute names with a reserved prefix in any casing', () => {
    const casing = (word: string) => fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    fc.assert(
      fc.property(fc.oneof(casing('aws'), casing('amazon')), fc.stringMatching(/^[a-z0-9_-]{1,20}$/), (prefix, rest) => {
        expect(() => validateMessageAttributes({ [`${prefix}.${rest}`]: { DataType: 'String', StringValue: 'v' } })).toThrow();
        expect(validateMessageAttributes({ [`x${prefix}.${rest}`]: { DataType: 'String', StringValue: 'v' } })).toBeGreaterThan(0);
      }),
    );
  });

  it('digest attributes the same whatever order they were given in', () => {
    const attribute = fc.record({ DataType: fc.constantFrom('String', 'Number', 'String.custom'), StringValue: fc.stringMatching(/^[0-9]{1,5}$/) });
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,8}$/), attribute, { minKeys: 1, maxKeys: 10 }), (attributes: MessageAttributes) => {
        const reversed = Object.fromEntries(Object.entries(attributes).reverse());
        expect(md5OfMessageAttributes(reversed)).toBe(md5OfMessageAttributes(attributes));
      }),
    );
  });
});
