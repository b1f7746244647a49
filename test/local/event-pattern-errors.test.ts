import { InvalidEventPatternError, parsePattern } from '../../local/eventbridge/pattern';

/**
 * The reason InvalidEventPatternException gives for each invalid form, as AWS's matcher (event-ruler,
 * JsonRuleCompiler) words it; the pattern is read in document order, so the first mistake is named.
 * Recorded AWS answers for many of these are in test/conformance/patterns/event-patterns.json.
 */
const invalid: Array<[string, string]> = [
  ['[1, 2]', 'Filter is not an object'],
  ['', 'Filter is not an object'],
  ['{}', 'Empty objects are not allowed'],
  ['{"detail": {}}', 'Empty objects are not allowed'],
  ['{"source": "shop"}', '"source" must be an object or an array'],
  ['{"source": []}', 'Empty arrays are not allowed'],
  ['{"source": [["a"]]}', 'Match value must be String, number, true, false, or null'],
  ['{"source": [{}]}', 'Match expression name not found'],
  ['{"source": [{"prefix": "a", "suffix": "b"}]}', 'Only one key allowed in match expression'],
  ['{"source": [{"prefix": 1, "suffix": "b"}]}', 'prefix match pattern must be a string'],
  ['{"source": [{"prefix": {"equals-ignore-case": 1}}]}', 'equals-ignore-case match pattern must be a string'],
  ['{"source": [{"prefix": {"other": "a"}}]}', 'Unsupported prefix pattern: other'],
  ['{"source": [{"suffix": {}}]}', 'Suffix expression name not found'],
  ['{"source": [{"contains": "a"}]}', 'Unrecognized match type contains'],
  ['{"source": [{"exactly": 1}]}', 'exact match pattern must be a string'],
  ['{"source": [{"exists": "yes"}]}', 'exists match pattern must be either true or false.'],
  ['{"n": [{"numeric": []}]}', 'Invalid member in numeric match: ]'],
  ['{"n": [{"numeric": [5]}]}', 'Invalid member in numeric match: 5'],
  ['{"n": [{"numeric": ["!", 5]}]}', 'Unrecognized numeric range operator: !'],
  ['{"n": [{"numeric": ["=", "5"]}]}', 'Value of equals must be numeric'],
  ['{"n": [{"numeric": ["=", 5, "<", 6]}]}', 'Too many elements in numeric expression'],
  ['{"n": [{"numeric": ["<", 10, ">", 0]}]}', 'Too many elements in numeric expression'],
  ['{"n": [{"numeric": [">", 0, 5]}]}', 'Bad value in numeric range: 5'],
  ['{"n": [{"numeric": [">", 0, ">=", 5]}]}', 'Bad numeric range operator: >='],
  ['{"n": [{"numeric": [">", 0, "<", 5, 6]}]}', 'Too many terms in numeric range expression'],
  ['{"n": [{"numeric": [">", 5, "<", 5]}]}', 'Bottom must be less than top'],
  ['{"n": [{"numeric": [">", 1e400]}]}', 'Cannot compare number : 1e400'],
  ['{"n": [{"numeric": ["<", 9007199254740993]}]}', 'Cannot compare number : 9007199254740993'],
  ['{"n": [{"numeric": [">", 0], "x": 1}]}', 'Too many elements in numeric expression'],
  ['{"s": [{"anything-but": []}]}', 'Inside anything but list, either all values are number or string, mixed type is not supported'],
  ['{"s": [{"anything-but": ["a", 1]}]}', 'Inside anything but list, either all values are number or string, mixed type is not supported'],
  ['{"s": [{"anything-but": [true]}]}', 'Inside anything but list, start|null|boolean is not supported.'],
  ['{"s": [{"anything-but": {}}]}', 'Anything-But expression name not found'],
  ['{"s": [{"anything-but": {"numeric": [">", 1]}}]}', 'Unsupported anything-but pattern: numeric'],
  ['{"s": [{"anything-but": {"prefix": "a", "suffix": "b"}}]}', 'Too many elements in numeric expression'],
  ['{"s": [{"anything-but": {"wildcard": ["a", "b**"]}}]}', 'Consecutive wildcard characters at pos 2'],
  ['{"s": [{"wildcard": "a\\\\b"}]}', 'Invalid escape character at pos 2'],
  ['{"s": [{"wildcard": "é**"}]}', 'Consecutive wildcard characters at pos 3'],
  ['{"ip": [{"cidr": "10.0.0.0"}]}', "Malformed CIDR, one '/' required"],
  ['{"ip": [{"cidr": "10.0.0.0/"}]}', "Malformed CIDR, one '/' required"],
  ['{"ip": [{"cidr": "10.0.0.0/x"}]}', 'Malformed CIDR, mask bits must be an integer'],
  ['{"ip": [{"cidr": "10.0.0.0/-1"}]}', 'Malformed CIDR, mask bits must not be negative'],
  ['{"ip": [{"cidr": "10.0.0.0/32"}]}', 'IPv4 mask bits must be < 32'],
  ['{"ip": [{"cidr": "2001:db8::/128"}]}', 'IPv6 mask bits must be < 128'],
  ['{"ip": [{"cidr": "10.0.0.256/24"}]}', 'Invalid IP address: 10.0.0.256'],
  ['{"ip": [{"cidr": "::ffff:10.0.0.1/120"}]}', 'Nonstandard IP address: ::ffff:10.0.0.1'],
  ['{"$or": {"a": ["b"]}}', 'It must be an Array followed with $or.'],
  ['{"$or": [{"a": ["b"]}]}', 'There must have at least 2 Objects in $or relationship.'],
  ['{"$or": [{"a": ["b"]}, "c"]}', 'Only JSON object is allowed in array of $or relationship.'],
  ['{"$or": [{"a": ["b"]}, {"x": {"prefix": ["c"]}}]}', 'prefix is Ruler reserved fieldName which cannot be used inside $or.'],
  ['{"a": ["b"], "c": 1, "d": [', '"c" must be an object or an array'],
  ["{'a': ['b']}", "Unexpected character (''' (code 39)): was expecting double-quote to start field name"],
  ['{"a": [tru]}', "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"],
  // Read in one pass: a mistake seen before the text stops being JSON is the one named.
  ['{"a": [{"prefix": [1, 2 3]}]}', 'prefix match pattern must be a string'],
  ['{"a": [{"anything-but": {"foo": 3}]}', 'Unsupported anything-but pattern: foo'],
  ['{"a": [{"numeric": ["=", 5 6]}]}', "Unexpected character ('6' (code 54)): was expecting comma to separate Array entries"],
  ['{"a": [{"prefix": "x" "y"}]}', "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries"],
];

describe('InvalidEventPatternException reasons', () => {
  it.each(invalid)('%s', (pattern, reason) => {
    // Act
    const compile = () => parsePattern(pattern);

    // Assess
    expect(compile).toThrow(InvalidEventPatternError);
    expect(compile).toThrow(`Event pattern is not valid. Reason: ${reason}`);
  });

  it.each([
    '{"a": [{"anything-but": {"equals-ignore-case": ""}}]}',
    '{"a": [{"anything-but": {"wildcard": ["", "x*"]}}]}',
    '{"a": [{"exactly": "x"}]}',
    '{"a": ["b"], "a": [{"prefix": "c"}]}',
    '{"$or": [{"a": ["b"]}, {"c": ["d"]}], "x": ["y"]}',
    '{"a": [{"cidr": "2001:db8::/127"}]}',
    '{"a": [{"numeric": [">=", -5e9, "<=", 1e300]}]}',
  ])('accepts %s', (pattern) => {
    expect(() => parsePattern(pattern)).not.toThrow();
  });
});
