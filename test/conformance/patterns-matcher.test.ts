import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidEventPatternError, parsePattern } from '../../local/eventbridge/pattern';

/** AWS-validated cases (see patterns/README.md), run against the matcher directly. */
interface PatternCase {
  name: string;
  expected: 'match' | 'no-match' | 'invalid-pattern';
  eventJson: string;
  patternJson: string;
  awsError?: { code: string; message: string };
}

const CASES_FILE = path.join(__dirname, 'patterns', 'event-patterns.json');
const cases = JSON.parse(fs.readFileSync(CASES_FILE, 'utf8')) as PatternCase[];

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
