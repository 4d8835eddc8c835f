/**
 * A clone in any folder passes its tests: nothing in the repository may read the team's shared
 * folder beside it (`../shared`); fixtures are copied into tests/fixtures/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(__dirname, '../..');
const OUTSIDE = /shared\/(?:corpus|hooks)\b|['"]\.\.['"],\s*['"]shared['"]/;

describe('the repository stands on its own', () => {
  it('no test, bench, script or config reads ../shared', () => {
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(?:[cm]?[jt]sx?|json|sh)$/.test(f) || f.startsWith('.ci/'))
      .filter((f) => !f.startsWith('node_modules/') && f !== 'tests/unit/selfContained.test.ts' && fs.existsSync(path.join(REPO, f)));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => OUTSIDE.test(fs.readFileSync(path.join(REPO, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the sample corpus the tests use is in tests/fixtures/corpus', () => {
    const names = fs.readdirSync(path.join(REPO, 'tests/fixtures/corpus')).sort();
    expect(names).toEqual([
      'jinzhong-two-sessions.gb18030.txt',
      'jinzhong-two-sessions.txt',
      'jinzhong-two-sessions.utf16le-bom.txt',
      'taipei-briefing.big5.txt',
      'taipei-briefing.utf16be-bom.txt',
      'tricky-offsets.txt',
    ]);
  });
});
