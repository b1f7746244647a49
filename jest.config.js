/**
 * The everyday tier (`npm test`): every test but the slow ones (`*.slow.test.ts`: the chaos runs,
 * the bench smoke test, the fault e2e), which `npm run test:slow` runs (jest.slow.config.js).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.slow\\.test\\.ts$'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  setupFiles: ['<rootDir>/test/support/aws-env.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  // One worker per core (jest's default leaves one core idle): the tests wait on child processes
  // (DynamoDB Local, sandboxes, the CLI) more than they compute. Measured on 2 cores: 1m30s vs 2m20s.
  maxWorkers: '100%',
};
