/**
 * Aligning two versions of a text: the shared runs are shared (the same characters, in order) and as
 * long as they can be (the longest common subsequence, checked by dynamic programming), and span edges
 * move with their characters.
 */
import { describe, expect, it } from 'vitest';
import { edgeMapper, sharedRuns } from '../../src/shared/textAlign';

function lcs(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
  return dp[a.length]![b.length]!;
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('sharedRuns', () => {
  it('finds the longest common subsequence of 300 random pairs (astral characters included), as runs of equal characters in order', () => {
    const rnd = random(7);
    const alphabet = ['县', '委', '书', '记', '𠮷', '👍🏽', 'a', '\n'];
    for (let t = 0; t < 300; t++) {
      const a = Array.from({ length: Math.floor(rnd() * 40) }, () => alphabet[Math.floor(rnd() * alphabet.length)]!).join('');
      const edits = Array.from(a);
      for (let e = 0; e < 1 + Math.floor(rnd() * 6); e++) {
        const at = Math.floor(rnd() * (edits.length + 1));
        if (rnd() < 0.5) edits.splice(at, 1 + Math.floor(rnd() * 3));
        else edits.splice(at, 0, ...Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => alphabet[Math.floor(rnd() * alphabet.length)]!));
      }
      const b = edits.join('');
      const ca = Array.from(a);
      const cb = Array.from(b);
      const runs = sharedRuns(a, b);
      let total = 0;
      let lastA = 0;
      let lastB = 0;
      for (const r of runs) {
        expect(r.a).toBeGreaterThanOrEqual(lastA);
        expect(r.b).toBeGreaterThanOrEqual(lastB);
        expect(ca.slice(r.a, r.a + r.length)).toEqual(cb.slice(r.b, r.b + r.length));
        lastA = r.a + r.length;
        lastB = r.b + r.length;
        total += r.length;
      }
      expect(total, `${a} → ${b}`).toBe(lcs(ca, cb));
    }
  });

  it('moves span edges with their characters, and cannot place an edge on a changed one', () => {
    const before = '县委书记在会上说：今年要把问题找准。';
    const after = '昨天，县委书记在全县会上说：今年要把问题找准。';
    const map = edgeMapper(sharedRuns(before, after));
    // 县委书记 [0, 4) → [3, 7); 今年要把问题找准 [9, 17) → [14, 22)
    expect([map.start(0), map.end(4)]).toEqual([3, 7]);
    expect([map.start(9), map.end(17)]).toEqual([14, 22]);
    const changed = edgeMapper(sharedRuns('一二三四五', '一二X四五'));
    expect(changed.start(2)).toBeNull();
    expect(changed.end(3)).toBeNull();
    expect(changed.end(2)).toBe(2);
  });
});
