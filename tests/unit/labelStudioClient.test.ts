/**
 * The Label Studio export in the real Label Studio frontend (1.4.0, in Chromium), both ways: see
 * tests/realClients/labelStudio.ts. Outside CI it is skipped, saying why, when Chromium is missing.
 */
import { describe, expect, it } from 'vitest';
import { command, requireTool, skipWithout } from '../externalTools';
import { CHROMIUM } from '../chromium';
import { checkLabelStudio } from '../realClients/labelStudio';

const chromium = command(CHROMIUM, ['--version'], 'chromium fonts-noto-cjk');

describe.skipIf(skipWithout(chromium))('Label Studio’s own frontend', () => {
  it('highlights every region of our export on its span’s text, and its mouse-made regions import onto the characters selected', async () => {
    requireTool(chromium);
    const figures = await checkLabelStudio();
    expect(figures.mismatches).toEqual([]);
    expect(figures.files).toBe(4); // each document's export, one of them again as two annotators' layers, and Label Studio's own task
    expect(figures.regions).toBeGreaterThan(80);
  }, 180_000);
});
