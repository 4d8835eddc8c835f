/**
 * Krippendorff's unitizing α (αu; Krippendorff 1995, "On the reliability of unitizing contiguous
 * data", and 2004, "Measuring the reliability of qualitative text analysis data"), computed as DKPro
 * Agreement's KrippendorffAlphaUnitizingAgreement does, the implementation INCEpTION offers: each
 * category is judged on its own as "c against not c"; every annotator's continuum is cut into their
 * units of c and the gaps between them; the observed disagreement sums, over pairs of annotators and
 * their segments that meet, the squared differences of the ends of overlapping units and the square
 * of a unit's length where the other annotator has a gap around it; the expected disagreement is
 * that of all units placed at random in all gaps. The corpus value is 1 - ΣD_O / ΣD_E over the
 * categories (DKPro's), not the mean of the categories' α.
 *
 * DKPro leaves units of one annotator and category that overlap undefined (its sweep steps back);
 * here they are merged into one first (docs/agreement.md).
 */

export interface Unit {
  begin: number;
  length: number;
  rater: number;
  category: string;
}

export interface UnitizingStudy {
  raters: number;
  begin: number;
  length: number;
  units: readonly Unit[];
}

export interface UnitizingFigure {
  /** αu; null where it is undefined (no unit of the category, or no expected disagreement). */
  value: number | null;
  observed: number;
  expected: number;
}

export interface UnitizingResult {
  overall: UnitizingFigure;
  byCategory: Map<string, UnitizingFigure>;
}

/** δ² of two segments that meet (DKPro's measureDistance): `unit*` says whether each is a unit or a gap. */
export function segmentDistance(b1: number, l1: number, unit1: boolean, b2: number, l2: number, unit2: boolean): number {
  const beginDiff = b1 - b2;
  const lengthDiff = l1 - l2;
  if (unit1 && unit2 && -l1 < beginDiff && beginDiff < l2) return beginDiff * beginDiff + (beginDiff + lengthDiff) * (beginDiff + lengthDiff);
  if (unit1 && !unit2 && -lengthDiff >= beginDiff && beginDiff >= 0) return l1 * l1;
  if (!unit1 && unit2 && -lengthDiff <= beginDiff && beginDiff <= 0) return l2 * l2;
  return 0;
}

/** A rater's units of one category: clipped to the continuum, sorted, overlapping ones merged, empty ones dropped. */
function tidy(units: readonly Unit[], begin: number, end: number): { begin: number; length: number }[] {
  // Units come in text order from a corpus (each document's spans are): sorted only when they are not.
  let sorted = true;
  for (let i = 1; i < units.length && sorted; i++) {
    const x = units[i - 1]!;
    const y = units[i]!;
    sorted = x.begin < y.begin || (x.begin === y.begin && x.length <= y.length);
  }
  const inOrder = sorted ? units : [...units].sort((x, y) => x.begin - y.begin || x.length - y.length);
  const out: { begin: number; length: number }[] = [];
  let b = 0;
  let e = 0;
  let open = false;
  for (const u of inOrder) {
    const ub = Math.max(begin, u.begin);
    const ue = Math.min(end, u.begin + u.length);
    if (ue <= ub) continue;
    if (open && ub < e) e = Math.max(e, ue);
    else {
      if (open) out.push({ begin: b, length: e - b });
      b = ub;
      e = ue;
      open = true;
    }
  }
  if (open) out.push({ begin: b, length: e - b });
  return out;
}

type Segments = { begin: number; length: number }[];

/** Σ δ² over the segments of two raters that meet (DKPro's sweep over both continua at once). */
function observedSum(units1: Segments, units2: Segments, B: number, L: number): number {
  let i1 = 0;
  let i2 = 0;
  let next1 = units1[i1++] ?? null;
  let next2 = units2[i2++] ?? null;
  let offset1 = B;
  let length1 = 0;
  let unit1 = false;
  let offset2 = B;
  let length2 = 0;
  let unit2 = false;
  let pos = B;
  let sum = 0;
  while (pos < B + L && (next1 !== null || next2 !== null)) {
    if (pos === offset1 + length1) {
      if (next1 !== null && pos === next1.begin) {
        length1 = next1.length;
        unit1 = true;
        next1 = units1[i1++] ?? null;
      } else {
        length1 = (next1 !== null ? next1.begin : B + L) - pos;
        unit1 = false;
      }
      offset1 = pos;
    }
    if (pos === offset2 + length2) {
      if (next2 !== null && pos === next2.begin) {
        length2 = next2.length;
        unit2 = true;
        next2 = units2[i2++] ?? null;
      } else {
        length2 = (next2 !== null ? next2.begin : B + L) - pos;
        unit2 = false;
      }
      offset2 = pos;
    }
    sum += segmentDistance(offset1, length1, unit1, offset2, length2, unit2);
    pos = Math.min(offset1 + length1, offset2 + length2);
  }
  return sum;
}

/** The gaps of a rater's continuum around their (tidy) units. */
function gapsOf(units: Segments, B: number, L: number, into: number[]): void {
  let pos = B;
  for (const u of units) {
    if (u.begin > pos) into.push(u.begin - pos);
    pos = u.begin + u.length;
  }
  if (B + L > pos) into.push(B + L - pos);
}

/** αu of a study: per category, and over all categories. */
export function unitizingAlpha(study: UnitizingStudy): UnitizingResult {
  const { raters: R, begin: B, length: L } = study;
  const byCategory = new Map<string, UnitizingFigure>();
  const grouped = new Map<string, Unit[][]>();
  for (const u of study.units) {
    let byRater = grouped.get(u.category);
    if (!byRater) grouped.set(u.category, (byRater = Array.from({ length: R }, () => [])));
    byRater[u.rater]?.push(u);
  }
  let sumObserved = 0;
  let sumExpected = 0;
  for (const [category, byRater] of grouped) {
    const perRater: Segments[] = byRater.map((units) => tidy(units, B, B + L));
    const all = perRater.flat();
    if (all.length === 0 || R < 2 || L <= 0) continue;

    let observed = 0;
    for (let r1 = 0; r1 < R; r1++) for (let r2 = r1 + 1; r2 < R; r2++) observed += observedSum(perRater[r1]!, perRater[r2]!, B, L);
    observed = (observed * 2) / (R * (R - 1) * L * L);

    // Expected: Σ over units of (N-1)(2l³-3l²+l)/3 + l²·Σ_{gaps g ≥ l} (g - l + 1), the last sum from
    // sorted gaps and their suffix sums rather than a pass over the gaps per unit.
    const gaps: number[] = [];
    for (const units of perRater) gapsOf(units, B, L, gaps);
    gaps.sort((x, y) => x - y);
    const suffix = new Float64Array(gaps.length + 1);
    for (let i = gaps.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + gaps[i]!;
    const n = all.length;
    let total = 0;
    let squared = 0;
    for (const { length: l } of all) {
      squared += l * (l - 1);
      let lo = 0;
      let hi = gaps.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (gaps[mid]! >= l) hi = mid;
        else lo = mid + 1;
      }
      const count = gaps.length - lo;
      const fits = suffix[lo]! - (l - 1) * count;
      total += ((n - 1) * (2 * l * l * l - 3 * l * l + l)) / 3 + l * l * fits;
    }
    const expected = ((2 / L) * total) / (R * L * (R * L - 1) - squared);
    byCategory.set(category, { value: expected === 0 ? null : 1 - observed / expected, observed, expected });
    sumObserved += observed;
    sumExpected += expected;
  }
  const k = byCategory.size;
  const overall: UnitizingFigure = {
    value: k === 0 || sumExpected === 0 ? null : 1 - sumObserved / sumExpected,
    observed: k ? sumObserved / k : 0,
    expected: k ? sumExpected / k : 0,
  };
  return { overall, byCategory };
}
