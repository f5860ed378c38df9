/**
 * Unit specs sit beside their source; end-to-end suites live in test/, the browser suites (Debian's
 * Chromium through playwright-core) in test/browser/. Nest 12 ships as ES
 * modules, so Jest runs in its ESM mode (package.json passes --experimental-vm-modules).
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
  },
];

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^nest-session-kit$': '<rootDir>/libs/session/src',
    '^nest-session-kit/(.*)$': '<rootDir>/libs/session/src/$1',
    // An ES module that a CommonJS package (@fastify/static 10) requires: see the shim.
    '^content-disposition$': '<rootDir>/test/support/cjs/content-disposition.cjs',
  },
};

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{libs,apps}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
    },
    {
      ...shared,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/browser/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
    },
  ],
};
