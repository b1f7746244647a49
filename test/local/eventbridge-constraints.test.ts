import fc from 'fast-check';
import { ConstraintCheck, NAME_PATTERN } from '../../local/eventbridge/constraints';
import { validatePutEventsRequest } from '../../local/eventbridge/put-events';

/** EventBridge's model constraints, reported in AWS's ValidationException form. */
describe('ConstraintCheck', () => {
  const checkId = (id: string) => {
    const check = new ConstraintCheck();
    check.text(id, 'targets.1.member.id', { pattern: NAME_PATTERN, min: 1, max: 64 });
    check.throwIfFailed();
  };

  it('accepts exactly the names of 1 to 64 letters, digits, dots, dashes and underscores', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (id) => {
        const valid = /^[.\-_A-Za-z0-9]{1,64}$/.test(id);
        if (valid) expect(() => checkId(id)).not.toThrow();
        else expect(() => checkId(id)).toThrow(/^\d validation errors? detected: Value '/);
      }),
    );
  });

  it('reports the pattern before the length, counting every failure', () => {
    const id = `${'!'.repeat(65)}`;
    expect(() => checkId(id)).toThrow(
      `2 validation errors detected: Value '${id}' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+; ` +
        `Value '${id}' at 'targets.1.member.id' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  });
});

describe('validatePutEventsRequest', () => {
  it('refuses more than 10 entries, printing every one of them as AWS does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 11, max: 20 }), fc.string({ minLength: 1, maxLength: 10 }), (count, source) => {
        const entries = Array.from({ length: count }, () => ({ Source: source, DetailType: 't', Detail: '{}' }));
        let message = '';
        try {
          validatePutEventsRequest(entries);
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message.match(/PutEventsRequestEntry\(/g)).toHaveLength(count);
        expect(message).toContain(`PutEventsRequestEntry(time=null, source=${source}, resources=null, detailType=t, detail={}, eventBusName=null, traceHeader=null, kmsKeyIdentifier=null, internalMetadata=null)`);
        expect(message.endsWith("]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10")).toBe(true);
      }),
    );
  });
});
