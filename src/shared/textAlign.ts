/**
 * Aligns two versions of a text (an annotator's copy whose text was edited, and the corpus's) to move
 * spans from one to the other: the characters (code points) the two share, in order, found with
 * Myers' O(ND) difference algorithm after the common start and end are set aside. A span edge on a
 * shared character moves with it; an edge inside a changed stretch cannot be placed for sure.
 */

/** A stretch both texts share: `length` code points from `a` in the first and `b` in the second. */
export interface SharedRun {
  a: number;
  b: number;
  length: number;
}

/** Beyond this many differences the texts are taken as rewritten between the shared start and end. */
const MAX_EDITS = 20_000;

/** The shared runs of `before` and `after`, in order, as code point offsets. */
export function sharedRuns(before: string, after: string): SharedRun[] {
  const a = Array.from(before, (c) => c.codePointAt(0)!);
  const b = Array.from(after, (c) => c.codePointAt(0)!);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const runs: SharedRun[] = [];
  if (head) runs.push({ a: 0, b: 0, length: head });
  for (const r of middleRuns(a.slice(head, a.length - tail), b.slice(head, b.length - tail))) runs.push({ a: r.a + head, b: r.b + head, length: r.length });
  if (tail) runs.push({ a: a.length - tail, b: b.length - tail, length: tail });
  return runs;
}

/** Myers' algorithm over the middle parts, kept to MAX_EDITS differences. */
function middleRuns(a: readonly number[], b: readonly number[]): SharedRun[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return [];
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, offset, a.length, d, k);
    }
    v = next;
  }
  return []; // too different: nothing shared in the middle
}

/** The shared runs along the path that reached the end at difference `dEnd`, diagonal `kEnd`. */
function backtrack(trace: readonly Int32Array[], offset: number, n: number, dEnd: number, kEnd: number): SharedRun[] {
  const runs: SharedRun[] = [];
  let x = n;
  let k = kEnd;
  for (let d = dEnd; d >= 0; d--) {
    const v = trace[d]!;
    let prevK: number;
    let startX: number;
    if (d === 0) {
      prevK = 0;
      startX = 0;
    } else {
      prevK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
      const prevX = v[offset + prevK]!;
      startX = prevK === k + 1 ? prevX : prevX + 1;
    }
    const startY = startX - k;
    // The diagonal from (startX, startY) to (x, y) is shared.
    if (x > startX) runs.push({ a: startX, b: startY, length: x - startX });
    if (d === 0) break;
    x = v[offset + prevK]!;
    k = prevK;
  }
  return runs.reverse();
}

/**
 * Where a span's edges go: `start(p)` for a start edge (the character at p, in the first text), `end(p)`
 * for an end edge (the character before p); null when that character was changed.
 */
export function edgeMapper(runs: readonly SharedRun[]): { start(p: number): number | null; end(p: number): number | null } {
  const find = (c: number): number | null => {
    let lo = 0;
    let hi = runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = runs[mid]!;
      if (c < r.a) hi = mid - 1;
      else if (c >= r.a + r.length) lo = mid + 1;
      else return r.b + (c - r.a);
    }
    return null;
  };
  return {
    start: (p) => find(p),
    end: (p) => {
      const c = find(p - 1);
      return c === null ? null : c + 1;
    },
  };
}
