/**
 * Debian's Chromium, which every browser test, the UI fuzz, the real-client checks and the editor
 * benchmarks drive: Playwright's own browser download is not reachable from these machines.
 */

/** Where Chromium is (LOUPE_CHROMIUM overrides). */
export const CHROMIUM = process.env.LOUPE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Its flags here: no sandbox (tests run as root), no GPU, and none of the background networking
 * that this closed network refuses many times over at every start.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
