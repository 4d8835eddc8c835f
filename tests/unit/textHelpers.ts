/** Text helpers for tests, written independently of Loupe's offset maths. */

/** Code-point slicing, as Python slices a str. */
export const cpSlice = (text: string, start: number, end: number): string => Array.from(text).slice(start, end).join('');

/** Length in code points. */
export const cpLength = (s: string): number => Array.from(s).length;

/** [start, end) in code points of the `occ`-th occurrence of `s` in `text`. */
export function at(text: string, s: string, occ = 0): [number, number] {
  let i = -1;
  for (let k = 0; k <= occ; k++) {
    i = text.indexOf(s, i + 1);
    if (i < 0) throw new Error(`test setup: "${s}" not found`);
  }
  const start = cpLength(text.slice(0, i));
  return [start, start + cpLength(s)];
}
