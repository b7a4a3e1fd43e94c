// Lint: typescript-eslint recommended, plus the boundaries of STYLE.md point 8: libs never import
// NestJS or TypeORM (domain, sr-rules), and a service never imports another service.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const SERVICES = ['service-requests', 'cis-interface', 'client-security', 'correspondence', 'cis-simulator'];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/tmp/**',
      'libs/clients/src/generated/**',
      '.nx/**',
      'coverage/**',
      '.data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Tests read HTTP bodies (supertest's `body` is `any` already); production code stays strict.
    files: ['**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['libs/domain/**/*.ts', 'libs/sr-rules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', 'typeorm/*', '@cms/platform', 'pg'],
              message: 'Domain libs stay framework-free (STYLE.md point 8).',
            },
          ],
        },
      ],
    },
  },
  ...SERVICES.map((service) => ({
    files: [`services/${service}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: SERVICES.filter((s) => s !== service).flatMap((s) => [
                `@cms/${s}`,
                `**/services/${s}/**`,
              ]),
              message: 'A service never imports another service: call it over HTTP through @cms/clients.',
            },
          ],
        },
      ],
    },
  })),
);
