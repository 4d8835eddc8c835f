import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
    environment: 'node',
    // the CLI tests run the built `loupe` command: out/ is rebuilt first when the sources are newer
    globalSetup: ['tests/setup/buildOut.ts'],
    testTimeout: 20000,
  },
});
