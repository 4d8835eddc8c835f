/**
 * The crash harness at CI size (tests/reliability/crashHarness.ts): SIGKILLs at random moments of a
 * child process driving the API, then the corpus is reopened and checked. `npm run reliability`
 * runs it longer and writes docs/reliability.md. LOUPE_CRASH_SEED replays a run.
 */
import { describe, expect, it } from 'vitest';
import { crashEdits, crashExports, crashImports, type CrashReport } from '../reliability/crashHarness';

const seed = Number(process.env.LOUPE_CRASH_SEED ?? 20261126);

function summary(report: CrashReport): string {
  return `${report.kills} kills, ${report.acknowledged} of ${report.calls} calls acknowledged, ${report.ms} ms`;
}

describe(`crash safety (seed ${seed})`, () => {
  it('50 kills during edits, tags, links and imports lose nothing acknowledged and never corrupt the corpus', async () => {
    const report = await crashEdits({ seed, kills: 50 });
    console.log(`crash harness, edits: ${summary(report)}`);
    expect(report.failures).toEqual([]);
    expect(report.kills).toBe(50);
    // The harness must have exercised something: most children lived long enough to answer calls.
    expect(report.acknowledged).toBeGreaterThan(200);
    expect(report.atAcknowledged + report.withCallInFlight).toBe(report.kills);
  }, 240_000);

  it('a kill in the middle of an import batch leaves whole files only', async () => {
    const report = await crashImports({ seed: seed + 1, kills: 10 });
    console.log(`crash harness, imports: ${summary(report)}, ${JSON.stringify(report.byMethod)}`);
    expect(report.failures).toEqual([]);
    expect(report.kills).toBe(10);
  }, 120_000);

  it('a kill in the middle of an export never leaves a partial file under the final name, nor litter for good', async () => {
    const report = await crashExports({ seed: seed + 2, kills: 6, maxLifeMs: 2000 });
    console.log(`crash harness, exports: ${summary(report)}, targets ${JSON.stringify(report.exportTargets)}`);
    expect(report.failures).toEqual([]);
    expect(report.exportTargets.whole ?? 0).toBeGreaterThan(0);
    // A kill leaves the temporary file of the export it stopped; the next export to that target removes it.
    expect(report.tmpLeft).toBe(0);
  }, 180_000);
});
