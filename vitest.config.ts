import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      '{shared,server,bot,renderer,electron}/src/**/*.test.ts',
      'renderer/src/**/*.test.tsx',
      'test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'test/bench/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
