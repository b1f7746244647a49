/**
 * The slow tier (`npm run test:slow`; `npm run test:all` runs both tiers): the chaos runs, the bench
 * smoke test and the fault e2e, `*.slow.test.ts`.
 * @type {import('jest').Config}
 */
const everyday = require('./jest.config.js');

module.exports = { ...everyday, testMatch: ['**/*.slow.test.ts'], testPathIgnorePatterns: ['/node_modules/'] };
