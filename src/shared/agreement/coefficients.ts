/**
 * Chance-corrected agreement coefficients over items coded by several annotators, each item with a
 * weight (how many identical items it stands for: characters of a run of text, see characters.ts).
 * Each coefficient follows the reference implementation linguists cite, and the tests compare them to
 * it on the same items (tests/unit/agreement*.test.ts):
 *   cohenKappa         scikit-learn's cohen_kappa_score (Cohen 1960), over the items both coded;
 *   meanCohenKappa     NLTK AnnotationTask.kappa: Cohen's κ averaged over the pairs;
 *   daviesFleissKappa  NLTK AnnotationTask.multi_kappa (Davies & Fleiss 1982): observed and expected
 *                      agreement averaged over the pairs before the ratio;
 *   fleissKappa        statsmodels' fleiss_kappa (Fleiss 1971), over the items every annotator coded;
 *   krippendorffAlpha  NLTK AnnotationTask.alpha, nominal (Krippendorff 1980/2011): values of units
 *                      coded by fewer than two annotators are not pairable and left out.
 * docs/agreement.md says exactly which items each report builds. A coefficient that the items leave
 * undefined (no items, or no variation: chance agreement is 1) is null, where the references give NaN
 * or divide by zero.
 */

/** One item: each annotator's value (by annotator index), null where that annotator gave none. */
export interface Item {
  values: readonly (string | null)[];
  /** How many such items (1 for one item). */
  weight: number;
}

/** A coefficient with the amount of data it rests on. */
export interface Coefficient {
  value: number | null;
  /** The (weighted) number of items it was computed over. */
  items: number;
}

const ratio = (observed: number, expected: number): number | null => (expected === 1 ? null : (observed - expected) / (1 - expected));

/** Observed agreement and the annotators' value counts over the items both `a` and `b` coded. */
function pairCounts(items: readonly Item[], a: number, b: number): { n: number; agree: number; ca: Map<string, number>; cb: Map<string, number> } {
  let n = 0;
  let agree = 0;
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  for (const { values, weight } of items) {
    const va = values[a];
    const vb = values[b];
    if (va == null || vb == null || weight === 0) continue;
    n += weight;
    if (va === vb) agree += weight;
    ca.set(va, (ca.get(va) ?? 0) + weight);
    cb.set(vb, (cb.get(vb) ?? 0) + weight);
  }
  return { n, agree, ca, cb };
}

/** Observed and chance agreement of a pair (Cohen's expected agreement: each annotator's own distribution). */
function pairAgreement(items: readonly Item[], a: number, b: number): { n: number; observed: number; expected: number } | null {
  const { n, agree, ca, cb } = pairCounts(items, a, b);
  if (n === 0) return null;
  let expected = 0;
  for (const [value, count] of ca) expected += (count / n) * ((cb.get(value) ?? 0) / n);
  return { n, observed: agree / n, expected };
}

/** Cohen's κ between annotators `a` and `b`, over the items both coded. */
export function cohenKappa(items: readonly Item[], a: number, b: number): Coefficient {
  const p = pairAgreement(items, a, b);
  return p ? { value: ratio(p.observed, p.expected), items: p.n } : { value: null, items: 0 };
}

/** Every unordered pair of `raters`, in order. */
export function pairsOf(raters: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < raters.length; i++) for (let j = i + 1; j < raters.length; j++) out.push([raters[i]!, raters[j]!]);
  return out;
}

/** Cohen's κ averaged over every pair of `raters` (pairs with κ undefined make the mean undefined). */
export function meanCohenKappa(items: readonly Item[], raters: readonly number[]): Coefficient {
  const pairs = pairsOf(raters);
  if (pairs.length === 0) return { value: null, items: 0 };
  let total = 0;
  for (const [a, b] of pairs) {
    const k = cohenKappa(items, a, b);
    if (k.value === null) return { value: null, items: completeItems(items, raters) };
    total += k.value;
  }
  return { value: total / pairs.length, items: completeItems(items, raters) };
}

/** The weight of the items every one of `raters` coded. */
function completeItems(items: readonly Item[], raters: readonly number[]): number {
  let n = 0;
  for (const { values, weight } of items) if (raters.every((r) => values[r] != null)) n += weight;
  return n;
}

/** Only the items every one of `raters` coded. */
const complete = (items: readonly Item[], raters: readonly number[]): Item[] => items.filter(({ values }) => raters.every((r) => values[r] != null));

/** Davies and Fleiss' κ: observed and expected agreement averaged over the pairs, over the items all coded. */
export function daviesFleissKappa(items: readonly Item[], raters: readonly number[]): Coefficient {
  const all = complete(items, raters);
  const pairs = pairsOf(raters);
  let observed = 0;
  let expected = 0;
  for (const [a, b] of pairs) {
    const p = pairAgreement(all, a, b);
    if (!p) return { value: null, items: 0 };
    observed += p.observed;
    expected += p.expected;
  }
  if (pairs.length === 0) return { value: null, items: 0 };
  return { value: ratio(observed / pairs.length, expected / pairs.length), items: completeItems(items, raters) };
}

/** Fleiss' κ over the items every one of `raters` coded (at least two raters). */
export function fleissKappa(items: readonly Item[], raters: readonly number[]): Coefficient {
  const m = raters.length;
  if (m < 2) return { value: null, items: 0 };
  let n = 0;
  let agreementSum = 0;
  const totals = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const { values, weight } of items) {
    if (weight === 0 || !raters.every((r) => values[r] != null)) continue;
    counts.clear();
    for (const r of raters) counts.set(values[r]!, (counts.get(values[r]!) ?? 0) + 1);
    let squares = 0;
    for (const [value, c] of counts) {
      squares += c * c;
      totals.set(value, (totals.get(value) ?? 0) + c * weight);
    }
    agreementSum += weight * ((squares - m) / (m * (m - 1)));
    n += weight;
  }
  if (n === 0) return { value: null, items: 0 };
  let expected = 0;
  for (const c of totals.values()) expected += (c / (n * m)) ** 2;
  return { value: ratio(agreementSum / n, expected), items: n };
}

/** Krippendorff's α for nominal values, over the units at least two of `raters` coded. */
export function krippendorffAlpha(items: readonly Item[], raters: readonly number[]): Coefficient {
  let pairable = 0; // n: the pairable values
  let disagreement = 0; // Σ_u (m_u² - Σ_c n_uc²) / (m_u - 1)
  let units = 0;
  const totals = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const { values, weight } of items) {
    if (weight === 0) continue;
    counts.clear();
    let m = 0;
    for (const r of raters) {
      const v = values[r];
      if (v == null) continue;
      counts.set(v, (counts.get(v) ?? 0) + 1);
      m++;
    }
    if (m < 2) continue;
    let squares = 0;
    for (const [value, c] of counts) {
      squares += c * c;
      totals.set(value, (totals.get(value) ?? 0) + c * weight);
    }
    disagreement += (weight * (m * m - squares)) / (m - 1);
    pairable += weight * m;
    units += weight;
  }
  if (pairable < 2) return { value: null, items: units };
  let squares = 0;
  for (const c of totals.values()) squares += c * c;
  const observed = disagreement / pairable;
  const expected = (pairable * pairable - squares) / (pairable * (pairable - 1));
  return { value: expected === 0 ? null : 1 - observed / expected, items: units };
}
