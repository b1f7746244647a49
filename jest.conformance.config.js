/**
 * The conformance suite alone (test/conformance), without the global DynamoDB Local and synthesis:
 * `npx jest -c jest.conformance.config.js [file]` for a quick loop while fixing a service.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/conformance'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  setupFiles: ['<rootDir>/test/support/aws-env.ts'],
  testTimeout: 60000,
};
