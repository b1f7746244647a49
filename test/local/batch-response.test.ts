import fc from 'fast-check';
import { failedMessageIds } from '../../local/lambda/batch-response';

/** Lambda's reading of a partial batch response, case by case as AWS documents it. */
const ids = ['m1', 'm2', 'm3'];

describe('partial batch responses', () => {
  it.each<[string, unknown, ReturnType<typeof failedMessageIds>]>([
    ['no response', undefined, { all: false, ids: new Set() }],
    ['null', null, { all: false, ids: new Set() }],
    ['an empty object', {}, { all: false, ids: new Set() }],
    ['an empty list', { batchItemFailures: [] }, { all: false, ids: new Set() }],
    ['a null list', { batchItemFailures: null }, { all: false, ids: new Set() }],
    ['listed failures', { batchItemFailures: [{ itemIdentifier: 'm2' }] }, { all: false, ids: new Set(['m2']) }],
    ['a response that is not an object', 'ok', { all: true }],
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }, { all: true }],
    ['a null identifier', { batchItemFailures: [{ itemIdentifier: null }] }, { all: true }],
    ['an identifier under another key', { batchItemFailures: [{ messageId: 'm1' }] }, { all: true }],
    ['an identifier of another batch', { batchItemFailures: [{ itemIdentifier: 'm9' }] }, { all: true }],
    ['a list that is not a list', { batchItemFailures: 'm1' }, { all: true }],
  ])('reads %s', (_case, response, expected) => {
    expect(failedMessageIds(response, ids, true)).toEqual(expected);
  });

  it('ignores the response when the mapping does not report batch item failures', () => {
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'm1' }] }, ids, false)).toEqual({ all: false, ids: new Set() });
  });
});

describe('partial batch responses, as general rules', () => {
  const batches = fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 10 });

  it('fails exactly the listed messages when every identifier names one of the batch', () => {
    fc.assert(
      fc.property(
        batches.chain((batch) => fc.tuple(fc.constant(batch), fc.subarray(batch))),
        ([batch, listed]) => {
          const response = { batchItemFailures: listed.map((itemIdentifier) => ({ itemIdentifier })) };
          expect(failedMessageIds(response, batch, true)).toEqual({ all: false, ids: new Set(listed) });
        },
      ),
    );
  });

  it('fails the whole batch when any identifier is not a message of the batch', () => {
    fc.assert(
      fc.property(
        batches.chain((batch) => fc.tuple(fc.constant(batch), fc.subarray(batch), fc.oneof(fc.uuid(), fc.constant('')).filter((id) => !batch.includes(id)))),
        ([batch, listed, stranger]) => {
          const response = { batchItemFailures: [...listed, stranger].map((itemIdentifier) => ({ itemIdentifier })) };
          expect(failedMessageIds(response, batch, true)).toEqual({ all: true });
        },
      ),
    );
  });
});
