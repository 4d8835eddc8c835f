/**
 * Which of a stored document's spans and links the editor can show. A corpus can pass SQLite's
 * integrity check and still hold a span outside its text (another tool wrote it, or a bug did): such
 * a span is left out of the editor and named, never allowed to stop the document from opening. It
 * stays in the corpus file as it is.
 */
import { codePointLength } from './offsets';
import type { Link, SpanInput } from './types';

/** At most this many problems are listed one by one; the rest are counted. */
const LISTED = 20;

/** The spans and links of `text` the editor can draw, and what was left out, in words. */
export function usableSpans<S extends SpanInput>(text: string, spans: readonly S[], links: readonly Link[]): { spans: S[]; links: Link[]; problems: string[] } {
  const length = codePointLength(text);
  const problems: string[] = [];
  const kept: S[] = [];
  const ids = new Set<string>();
  for (const s of spans) {
    const problem = spanProblem(s, length, ids);
    if (problem) problems.push(`span ${s.id} (${s.label}): ${problem}`);
    else {
      kept.push(s);
      ids.add(s.id);
    }
  }
  const keptLinks = links.filter((l) => {
    if (ids.has(l.from) && ids.has(l.to)) return true;
    if (problems.length && (!ids.has(l.from) || !ids.has(l.to))) problems.push(`link ${l.id} (${l.type}) joins a span left out`);
    return false;
  });
  const listed = problems.length > LISTED ? [...problems.slice(0, LISTED), `and ${problems.length - LISTED} more`] : problems;
  return { spans: kept, links: keptLinks, problems: listed };
}

const whole = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

function spanProblem(s: SpanInput, length: number, ids: ReadonlySet<string>): string | null {
  if (ids.has(s.id)) return 'its id is used by another span of the document';
  if (!whole(s.start) || !whole(s.end) || s.end <= s.start) return `[${String(s.start)}, ${String(s.end)}) is not a range`;
  if (s.end > length) return `[${s.start}, ${s.end}) lies outside the text (${length} characters)`;
  const fragments = s.fragments ?? [[s.start, s.end]];
  if (!Array.isArray(fragments) || fragments.length === 0) return 'its fragments are not a list of ranges';
  let last = -1;
  for (const f of fragments) {
    if (!Array.isArray(f) || !whole(f[0]) || !whole(f[1]) || f[1] <= f[0] || f[0] < s.start || f[1] > s.end || f[0] <= last) {
      return `its fragments ${JSON.stringify(fragments).slice(0, 80)} are not sorted ranges within [${s.start}, ${s.end})`;
    }
    last = f[1];
  }
  return null;
}
