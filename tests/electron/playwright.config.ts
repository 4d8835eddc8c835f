import { defineConfig } from '@playwright/test';

/** The real desktop shell. app.spec.ts skips (and says why) where no Electron binary is installed. */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../../test-results/electron',
});
