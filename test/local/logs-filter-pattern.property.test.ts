import fc from 'fast-check';
import { compileFilterPattern } from '../../local/logs/filter-pattern';

/**
 * The CloudWatch Logs filter pattern language where a rule is general ("Filter pattern syntax for
 * metric filters, subscription filters, filter log events"): a term pattern matches iff every term
 * occurs, a -term excludes, ?terms need one of them, `""` matches all, a JSON pattern tests a field.
 */
const word = fc.stringMatching(/^[a-z]{1,4}$/);
const message = fc.array(fc.stringMatching(/^[a-z]{1,4}$/), { maxLength: 8 }).map((words) => words.join(' '));

describe('filter patterns (properties)', () => {
  it('a pattern of terms matches a message iff every term occurs in it', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), message, (terms, text) => {
        expect(compileFilterPattern(terms.join(' '))(text)).toBe(terms.every((t) => text.includes(t)));
      }),
    );
  });

  it('adding -term excludes exactly the messages containing it', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 3 }), word, message, (terms, excluded, text) => {
        const base = compileFilterPattern(terms.join(' '))(text);
        expect(compileFilterPattern([...terms, `-${excluded}`].join(' '))(text)).toBe(base && !text.includes(excluded));
      }),
    );
  });

  it('?terms match a message containing at least one of them', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), message, (terms, text) => {
        expect(compileFilterPattern(terms.map((t) => `?${t}`).join(' '))(text)).toBe(terms.some((t) => text.includes(t)));
      }),
    );
  });

  it('a quoted phrase matches iff the phrase occurs as written, spaces included', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), message, (words, text) => {
        const phrase = words.join(' ');
        expect(compileFilterPattern(`"${phrase}"`)(text)).toBe(text.includes(phrase));
      }),
    );
  });

  it('an empty pattern and "" match every message', () => {
    fc.assert(fc.property(fc.string(), (text) => compileFilterPattern('')(text) && compileFilterPattern('""')(text) && compileFilterPattern(undefined)(text)));
  });

  it('{ $.field = "value" } matches a JSON object iff the field holds that string; { $.n > k } iff the number is greater', () => {
    fc.assert(
      fc.property(word, fc.option(word), fc.integer({ min: -100, max: 100 }), fc.integer({ min: -100, max: 100 }), (wanted, actual, n, k) => {
        const doc = JSON.stringify({ ...(actual === null ? {} : { field: actual }), n });
        expect(compileFilterPattern(`{ $.field = "${wanted}" }`)(doc)).toBe(actual === wanted);
        expect(compileFilterPattern(`{ $.n > ${k} }`)(doc)).toBe(n > k);
        expect(compileFilterPattern(`{ $.field = "${wanted}" || $.n <= ${k} }`)(doc)).toBe(actual === wanted || n <= k);
        expect(compileFilterPattern(`{ ($.field = "${wanted}") && ($.n != ${k}) }`)(doc)).toBe(actual === wanted && n !== k);
      }),
    );
  });

  it('a JSON pattern never matches text that is not a JSON object', () => {
    fc.assert(fc.property(message, (text) => !compileFilterPattern('{ $.level = "*" }')(text)));
  });

  it('JSON patterns: wildcards, nested and indexed selectors, IS NULL, NOT EXISTS, IS TRUE', () => {
    const doc = JSON.stringify({ level: 'ERROR', user: { id: 7, tags: ['a', 'b'] }, gone: null, ok: true });
    const matches = (pattern: string) => compileFilterPattern(pattern)(doc);
    expect(matches('{ $.level = "ERR*" }')).toBe(true);
    expect(matches('{ $.level = *RO* }')).toBe(true);
    expect(matches('{ $.level = "WARN" }')).toBe(false);
    expect(matches('{ $.user.id = 7 }')).toBe(true);
    expect(matches('{ $.user.tags[1] = "b" }')).toBe(true);
    expect(matches('{ $.gone IS NULL }')).toBe(true);
    expect(matches('{ $.missing NOT EXISTS }')).toBe(true);
    expect(matches('{ $.level NOT EXISTS }')).toBe(false);
    expect(matches('{ $.ok IS TRUE }')).toBe(true);
    expect(matches('{ $.missing != "x" }')).toBe(false);
  });

  it('a space-delimited pattern without ... matches iff the event has as many fields and every condition holds', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 999 }), (values, width, limit) => {
        const names = Array.from({ length: width }, (_, i) => `f${i}`);
        const pattern = `[${names.map((n, i) => (i === width - 1 ? `${n} > ${limit}` : n)).join(', ')}]`;
        expect(compileFilterPattern(pattern)(values.join(' '))).toBe(values.length === width && values[width - 1]! > limit);
        // With a leading ..., the last field is compared whatever the count.
        expect(compileFilterPattern(`[..., last > ${limit}]`)(values.join(' '))).toBe(values.at(-1)! > limit);
      }),
    );
  });

  it('space-delimited: quoted and bracketed fields are one field; wildcards, && and || on a field', () => {
    const line = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 1534';
    const matches = (pattern: string) => compileFilterPattern(pattern)(line);
    expect(matches('[ip, user, username, timestamp, request, status_code, bytes]')).toBe(true);
    expect(matches('[ip, user, username, timestamp, request, status_code]')).toBe(false);
    expect(matches('[ip, user, username, timestamp, request = "*gif*", status_code = 4*, bytes > 1000]')).toBe(true);
    expect(matches('[ip, ..., status_code = 4* && status_code != 404, bytes]')).toBe(false);
    expect(matches('[ip, ..., status_code = 500 || status_code = 404, bytes]')).toBe(true);
    expect(matches('[ip = 10.*, ...]')).toBe(false);
  });

  it('a %regex% term matches as the regular expression does', () => {
    expect(compileFilterPattern('%[Ee]rror|[Ff]ail%')('the job did Fail')).toBe(true);
    expect(compileFilterPattern('%^[hc]at%')('that')).toBe(false);
    expect(compileFilterPattern('%AUTHORIZED% -UNAUTHORIZED')('[SUCCESS 200] AUTHORIZED REQUEST')).toBe(true);
  });

  it('refuses a malformed pattern with InvalidParameterException naming the problem', () => {
    for (const [pattern, why] of [
      ['"unterminated', /no closing quote/],
      ['{ $.a = }', /expected a value|ends too early/],
      ['{ $.a > "x" }', /compares numbers/],
      ['{ $.a = 1', /must end with \}/],
      ['[ip, user', /must end with \]/],
      ['[ip, , user]', /empty field/],
      ['%(group)%', /'\(' is not allowed/],
    ] as const) {
      expect(() => compileFilterPattern(pattern)).toThrow(expect.objectContaining({ type: 'InvalidParameterException', message: expect.stringMatching(why) }));
    }
  });
});

it('a space-delimited pattern with many ... stays fast on a long event', () => {
  const line = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ');
  const started = performance.now();
  expect(compileFilterPattern('[..., a = x, ..., b = y, ..., c = z, ...]')(line)).toBe(false);
  expect(performance.now() - started).toBeLessThan(1000);
});
