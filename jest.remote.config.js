/**
 * The e2e scenarios against a deployed target (PIPELINE_TARGET=localstack|aws): no local
 * DynamoDB, no synthesis; resources come from the target's outputs file.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 300000,
};
