/**
 * The model-based UI fuzz (tests/reliability/uiFuzz.ts) at CI size: random walks of clicks, drags,
 * hovering, typing, deleting, undo/redo, tagging, find and J/K on documents with nested spans. No span
 * may vanish or change unless the user removed it or deleted its text, and the corpus file must hold
 * what the editor shows. `npm run reliability` runs it longer; LOUPE_UI_FUZZ_SEED=N replays a seed.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { fuzzUi } from '../reliability/uiFuzz';

const SEED = Number(process.env.LOUPE_UI_FUZZ_SEED ?? 20_261_204);
const WALKS = Number(process.env.LOUPE_UI_FUZZ_WALKS ?? 2);
const ACTIONS = Number(process.env.LOUPE_UI_FUZZ_ACTIONS ?? 60);

test(`UI fuzz, seed ${SEED}: ${WALKS} walks × ${ACTIONS} actions lose no span and leave the corpus equal to the editor`, async ({ browser }) => {
  test.setTimeout(60_000 + WALKS * ACTIONS * 2_000);
  const report = await fuzzUi({
    seed: SEED,
    runs: WALKS,
    actions: ACTIONS,
    browser,
    log: (line) => console.log(line),
    artifactsDir: path.resolve(__dirname, '../../test-results/ui-fuzz'),
  });
  console.log(
    `ui fuzz: ${report.actions} actions on ${report.documents.length} documents, ${report.corpusChecks} corpus checks, ` +
      `${report.spansGoneLegitimately} spans removed or deleted by the user, ${report.spansLost} lost, ${(report.ms / 1000).toFixed(0)} s`,
  );
  expect(report.failures, `replay with LOUPE_UI_FUZZ_SEED=<the seed named> npx playwright test -c tests/e2e/playwright.config.ts ui-fuzz`).toEqual([]);
  expect(report.actions).toBe(WALKS * ACTIONS);
  expect(report.corpusChecks).toBeGreaterThanOrEqual(WALKS);
});
