/** One jest run for every suite: unit tests beside the code, cross-cutting suites under test/. */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022' }, module: { type: 'commonjs' } },
];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  testMatch: [
    '<rootDir>/shared/src/**/*.test.ts',
    '<rootDir>/server/src/**/*.test.ts',
    '<rootDir>/scripts/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.cache/', '/.data/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // Two cores: two workers; every integration file has its own database and Redis prefix.
  maxWorkers: 2,
  testTimeout: 30000,
  verbose: false,
};
