import { InvalidEventPatternError, parsePattern } from '../../local/eventbridge/pattern';
import { patternCases } from './pattern-cases';

/** AWS-validated cases (see patterns/README.md), run against the matcher directly. */
const cases = patternCases().filter((c) => c.expected !== 'invalid-event');

describe('event pattern matcher against AWS conformance cases', () => {
  it('has the cases to run', () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    // Act
    const run = () => parsePattern(testCase.patternJson).matches(JSON.parse(testCase.eventJson));

    // Assess
    if (testCase.expected === 'invalid-pattern') {
      expect(run).toThrow(InvalidEventPatternError);
      // AWS's reason is reproduced exactly, except for JSON syntax errors whose wording comes from AWS's parser.
      if (testCase.awsError !== undefined && !testCase.awsError.message.includes('Unexpected character')) {
        expect(run).toThrow(testCase.awsError.message);
      }
    } else {
      expect(run()).toBe(testCase.expected === 'match');
    }
  });
});
