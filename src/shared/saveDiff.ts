/**
 * What one autosave of a document carries (the text change as one splice, the spans and links made,
 * changed or gone), and the rules it is computed by. The editor computes it from the paragraphs a
 * change touched (renderer/editor/saveChanges.ts); `diffSnapshots` computes it from two whole
 * snapshots, for callers that have nothing better and for tests to compare with.
 */
import { diffText, shifter, shiftSpan, type TextEdit } from './textEdit';
import type { Link, SpanInput } from './types';

/** A document's text, spans and links, offsets in code points. */
export interface Snapshot {
  text: string;
  spans: SpanInput[];
  links: Link[];
}

/** A save request's body: the store shifts the spans by the splice's rule; `upsert` holds those that moved otherwise. */
export interface SaveDiff {
  edit?: TextEdit;
  upsert: SpanInput[];
  remove: string[];
  upsertLinks: Link[];
  removeLinks: string[];
}

/** True when a save of `diff` would change nothing. */
export const isEmptyDiff = (diff: SaveDiff): boolean =>
  diff.edit === undefined && diff.upsert.length + diff.remove.length + diff.upsertLinks.length + diff.removeLinks.length === 0;

const sameFragments = (a: SpanInput, b: SpanInput): boolean => {
  const fa = a.fragments ?? [[a.start, a.end]];
  const fb = b.fragments ?? [[b.start, b.end]];
  return fa.length === fb.length && fa.every((f, i) => f[0] === fb[i]![0] && f[1] === fb[i]![1]);
};

const sameAttrs = (a: SpanInput['attrs'] = {}, b: SpanInput['attrs'] = {}): boolean => {
  if (a === b) return true;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.is(a[k], b[k]));
};

const contiguous = (s: SpanInput): boolean => !s.fragments || s.fragments.length <= 1;

/**
 * Whether `now` is `saved` unchanged but for the move `edit` gives it (no edit: not moved), as the
 * store would move it. Contiguous spans, nearly all of them, are compared without building the moved span.
 */
export function sameSpan(saved: SpanInput, now: SpanInput, edit: TextEdit | null, move = edit ? shifter(edit) : null): boolean {
  if (saved.label !== now.label || (saved.note ?? '') !== (now.note ?? '') || !sameAttrs(saved.attrs, now.attrs)) return false;
  if (!move || !edit) return saved.start === now.start && saved.end === now.end && sameFragments(saved, now);
  if (contiguous(saved) && contiguous(now)) {
    const start = move(saved.start, 1);
    return now.start === start && now.end === Math.max(move(saved.end, -1), start + 1);
  }
  return sameFragments({ ...saved, fragments: undefined, ...shiftSpan(saved, edit, move) }, now);
}

export const sameLink = (a: Link, b: Link): boolean => a.type === b.type && a.from === b.from && a.to === b.to;

// Snapshots' items by id, kept per list: the list a save sends becomes the next save's "before".
const indexes = new WeakMap<readonly { id: string }[], Map<string, unknown>>();
function byId<T extends { id: string }>(list: readonly T[]): Map<string, T> {
  let index = indexes.get(list) as Map<string, T> | undefined;
  if (!index) {
    index = new Map(list.map((x) => [x.id, x]));
    indexes.set(list, index);
  }
  return index;
}

/** Items of `after` that are new or changed since `before`, and ids of those gone. */
export function diffById<T extends { id: string }>(before: readonly T[], after: readonly T[], same: (a: T, b: T) => boolean) {
  const old = byId(before);
  const upsert = after.filter((x) => {
    const prev = old.get(x.id);
    return !prev || !same(prev, x);
  });
  const now = byId(after);
  const remove = before.filter((x) => !now.has(x.id)).map((x) => x.id);
  return { upsert, remove };
}

/**
 * What changed between two whole snapshots, as a save request body. A text change goes as one
 * splice; the store shifts the spans by the shared rule, so only spans that moved otherwise are sent.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): SaveDiff {
  const edit = diffText(before.text, after.text);
  const move = edit ? shifter(edit) : null;
  const spans = diffById(before.spans, after.spans, (a, b) => sameSpan(a, b, edit, move));
  const links = diffById(before.links, after.links, sameLink);
  return {
    ...(edit ? { edit } : {}),
    upsert: spans.upsert,
    remove: spans.remove,
    upsertLinks: links.upsert,
    removeLinks: links.remove,
  };
}

/**
 * The document as it was at one moment, taken cheaply and never changed afterwards: the saver keeps
 * the version it saved last and asks the version shown now what changed since. The editor's versions
 * are its immutable documents (renderer/editor/saveChanges.ts), so a save reads only what a change touched.
 */
export interface DocVersion {
  /** The save request body that turns `saved`, an earlier version from the same source, into this one. */
  changesSince(saved: DocVersion): SaveDiff;
  /** How many spans this version has (for the document list). */
  readonly spanCount: number;
}

class SnapshotVersion implements DocVersion {
  constructor(readonly snapshot: Snapshot) {}
  get spanCount(): number {
    return this.snapshot.spans.length;
  }
  changesSince(saved: DocVersion): SaveDiff {
    if (!(saved instanceof SnapshotVersion)) throw new TypeError('a snapshot is compared with another snapshot');
    return diffSnapshots(saved.snapshot, this.snapshot);
  }
}

/** A version holding a whole snapshot, compared whole (for sources that have nothing better). */
export const snapshotVersion = (snapshot: Snapshot): DocVersion => new SnapshotVersion(snapshot);
