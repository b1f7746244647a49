import { mismatch } from './matches';
import { materialize, substitute } from './run-case';

/** The conformance runner's comparison: a case can only pass when the answer really is AWS's. */
describe('mismatch', () => {
  it('accepts a partial object and reports the first member that differs', () => {
    expect(mismatch({ A: 1 }, { A: 1, B: 2 })).toBeUndefined();
    expect(mismatch({ A: 1, B: 3 }, { A: 1, B: 2 })).toBe('$.B: expected 3, got 2');
  });

  it('tells an absent member from an empty one', () => {
    expect(mismatch({ Failed: '<absent>' }, { Successful: [] })).toBeUndefined();
    expect(mismatch({ Failed: '<absent>' }, { Failed: [] })).toMatch(/\$\.Failed: expected no member/);
  });

  it('compares arrays element by element, or in any order when asked', () => {
    expect(mismatch([1, 2], [1, 2, 3])).toMatch(/expected 2 elements, got 3/);
    expect(mismatch({ '<unordered>': [2, 1] }, [1, 2])).toBeUndefined();
    expect(mismatch({ '<unordered>': [2, 2] }, [1, 2])).toMatch(/no element matches 2/);
  });

  it('checks placeholders', () => {
    expect(mismatch('<re:^[0-9a-f]{32}$>', 'd41d8cd98f00b204e9800998ecf8427e')).toBeUndefined();
    expect(mismatch('<re:^[0-9a-f]{32}$>', 'nope')).toMatch(/matching/);
    expect(mismatch('<any>', undefined)).toMatch(/expected <any>, got nothing/);
    expect(mismatch('<number>', '1')).toMatch(/a number/);
  });

  it('parses JSON text where asked, then compares partially', () => {
    expect(mismatch({ '<json>': { a: [1] } }, '{"a": [1], "b": 2}')).toBeUndefined();
    expect(mismatch({ '<json>': { a: [2] } }, '{"a":[1]}')).toBe('$<json>.a[0]: expected 2, got 1');
    expect(mismatch({ '<json>': {} }, 'not json')).toMatch(/expected JSON text/);
  });

  it('compares bytes as base64', () => {
    expect(mismatch('AQID', new Uint8Array([1, 2, 3]))).toBeUndefined();
  });
});

describe('substitute and materialize', () => {
  it('replaces variables, keeping the type of a whole-string reference', () => {
    expect(substitute({ QueueName: 'q-${uniq}', N: '${n}' }, { uniq: 'x1', n: 3 })).toEqual({ QueueName: 'q-x1', N: 3 });
  });

  it('builds bytes, JSON text and long strings', () => {
    const input = materialize({ B: { $base64: 'AQID' }, P: { $json: { a: [1] } }, S: { $repeat: ['ab', 3] } }) as Record<string, unknown>;
    expect(input['B']).toEqual(Buffer.from([1, 2, 3]));
    expect(input['P']).toBe('{"a":[1]}');
    expect(input['S']).toBe('ababab');
    expect(materialize({ $json: { p: [{ $repeat: ['x', 3] }] } })).toBe('{"p":["xxx"]}');
  });

  it('builds dates from text, epoch milliseconds, or milliseconds plus seconds', () => {
    const input = materialize({ A: { $date: '2022-01-01T00:00:00Z' }, B: { $date: 1000 }, C: { $date: [1000, 60] } }) as Record<string, Date>;
    expect(input['A']?.toISOString()).toBe('2022-01-01T00:00:00.000Z');
    expect(input['B']?.getTime()).toBe(1000);
    expect(input['C']?.getTime()).toBe(61_000);
  });
});
