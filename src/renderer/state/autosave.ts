/**
 * Autosave of the open document: changes are sent as a diff (the text change as one splice, spans
 * created/relabelled or moved otherwise than the splice moves them, ids removed) within a second of
 * the edit, one save at a time.
 */
import type { LoupeApi } from '../../shared/contract';
import type { DocumentStatus, Link, SaveResult, SpanInput } from '../../shared/types';
import { withReason, type ReasonedError } from '../../shared/errors';
import { diffText, shifter, shiftSpan, type TextEdit } from '../../shared/textEdit';
import { describeError } from '../i18n';

export type SaveStatus = { state: 'saved' } | { state: 'unsaved' } | { state: 'saving' } | { state: 'error'; message: string };

export interface Snapshot {
  text: string;
  spans: SpanInput[];
  links: Link[];
}

/** Quiet time after the last change before saving. */
const DEBOUNCE_MS = 250;
/** Longest a change waits while the user keeps working. */
const MAX_WAIT_MS = 800;
const RETRY_MS = 3000;

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
 * Whether `now` is `saved` unchanged but for the move the text edit gives it (no edit: not moved).
 * Contiguous spans, nearly all of them, are compared without building the moved span.
 */
function sameSpan(saved: SpanInput, now: SpanInput, move: ((pos: number, assoc: -1 | 1) => number) | null, edit: TextEdit | null): boolean {
  if (saved.label !== now.label || (saved.note ?? '') !== (now.note ?? '') || !sameAttrs(saved.attrs, now.attrs)) return false;
  if (!move || !edit) return saved.start === now.start && saved.end === now.end && sameFragments(saved, now);
  if (contiguous(saved) && contiguous(now)) {
    const start = move(saved.start, 1);
    return now.start === start && now.end === Math.max(move(saved.end, -1), start + 1);
  }
  return sameFragments({ ...saved, fragments: undefined, ...shiftSpan(saved, edit, move) }, now);
}

const sameLink = (a: Link, b: Link): boolean => a.type === b.type && a.from === b.from && a.to === b.to;

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
function diffById<T extends { id: string }>(before: readonly T[], after: readonly T[], same: (a: T, b: T) => boolean) {
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
 * What changed between two snapshots, as a save request body. A text change goes as one splice;
 * the store shifts the spans by the shared rule, so only spans that moved otherwise are sent.
 */
export function diffSnapshots(
  before: Snapshot,
  after: Snapshot,
): { edit?: TextEdit; upsert: SpanInput[]; remove: string[]; upsertLinks: Link[]; removeLinks: string[] } {
  const edit = diffText(before.text, after.text);
  const move = edit ? shifter(edit) : null;
  const spans = diffById(before.spans, after.spans, (a, b) => sameSpan(a, b, move, edit));
  const links = diffById(before.links, after.links, sameLink);
  return {
    ...(edit ? { edit } : {}),
    upsert: spans.upsert,
    remove: spans.remove,
    upsertLinks: links.upsert,
    removeLinks: links.remove,
  };
}

export class DocumentSaver {
  private saved: Snapshot;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstDirtyAt = 0;
  private dirty = false;
  private inFlight: Promise<void> | null = null;
  private lastError: string | null = null;
  private shown: SaveStatus | null = null;

  constructor(
    private readonly api: LoupeApi,
    private readonly corpusId: string,
    readonly documentId: number,
    private revision: number,
    initial: Snapshot,
    private readonly read: () => Snapshot,
    private readonly report: (status: SaveStatus) => void,
    private readonly onSaved: (spanCount: number, status: DocumentStatus) => void = () => undefined,
  ) {
    this.saved = initial;
  }

  /** Tells the status only when it changes: a keystroke must not re-render the window. */
  private onStatus(status: SaveStatus): void {
    const shown = this.shown;
    if (shown && shown.state === status.state && (shown.state !== 'error' || shown.message === (status as { message: string }).message)) return;
    this.shown = status;
    this.report(status);
  }

  /** Called on every document change. */
  changed(): void {
    const now = Date.now();
    if (!this.dirty) this.firstDirtyAt = now;
    this.dirty = true;
    this.onStatus({ state: 'unsaved' });
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, this.firstDirtyAt + MAX_WAIT_MS - now));
    this.timer = setTimeout(() => void this.flush().catch(() => undefined), wait); // the status bar shows failures
  }

  /**
   * Saves now (Ctrl+S, switching documents, closing); resolves when everything is stored and
   * rejects while changes could not be saved, so callers never walk away from unsaved work.
   */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inFlight) await this.inFlight;
    if (!this.dirty) return;
    this.inFlight = this.saveOnce().finally(() => {
      this.inFlight = null;
    });
    await this.inFlight;
    if (this.dirty && this.lastError) throw new Error(this.lastError);
  }

  /**
   * Saves the document's title, status or note on the revision this window has, after the text and
   * span changes pending before it (so neither refuses the other), and keeps that revision current.
   * Rejects as a text save does: "changed elsewhere" when another window saved the document since.
   */
  async saveInfo(change: { title?: string; status?: DocumentStatus; note?: string }): Promise<SaveResult> {
    await this.flush();
    while (this.inFlight) await this.inFlight;
    const saving = this.api.saveDocument({ corpusId: this.corpusId, id: this.documentId, baseRevision: this.revision, ...change, upsert: [], remove: [] });
    this.inFlight = saving
      .then(
        (result) => {
          this.revision = result.revision;
        },
        () => undefined, // the caller sees the error; the text saves after it go on as before
      )
      .finally(() => {
        this.inFlight = null;
      });
    return saving;
  }

  /** True while some change is not in the corpus file yet. */
  hasUnsavedChanges(): boolean {
    return this.dirty || this.inFlight !== null;
  }

  private async saveOnce(): Promise<void> {
    this.dirty = false;
    const current = this.read();
    const diff = diffSnapshots(this.saved, current);
    const empty =
      diff.edit === undefined &&
      diff.upsert.length + diff.remove.length + diff.upsertLinks.length + diff.removeLinks.length === 0;
    if (empty) {
      this.onStatus({ state: 'saved' });
      return;
    }
    this.onStatus({ state: 'saving' });
    try {
      const result = await this.api.saveDocument({
        corpusId: this.corpusId,
        id: this.documentId,
        baseRevision: this.revision,
        ...diff,
      });
      this.revision = result.revision;
      this.saved = current;
      this.lastError = null;
      this.onSaved(current.spans.length, result.status);
      this.onStatus(this.dirty ? { state: 'unsaved' } : { state: 'saved' });
    } catch (error) {
      this.dirty = true;
      this.lastError = describeError(error);
      this.onStatus({ state: 'error', message: this.lastError });
      // A conflict or a refused change does not heal by retrying; anything else (a corpus busy with
      // another process's write, a full disk) may.
      const { reason, code } = error as ReasonedError;
      const key = reason?.key;
      const final =
        key !== 'error.busy' &&
        (key === 'error.changedElsewhere' ||
        key === 'error.corpusNotOpen' ||
        key === 'error.documentGone' ||
        code === 'invalid-argument' ||
        code === 'conflict' ||
        code === 'not-found');
      if (!final && !this.timer) this.timer = setTimeout(() => void this.flush().catch(() => undefined), RETRY_MS);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

/**
 * Saves a document's title, status or note from this window, never over a newer one. The open
 * document's goes through its saver, on the revision its editor has (`knownRevision` until the saver
 * exists); another document's on the revision stored now, refused as "changed elsewhere" when its title
 * is no longer `shownTitle`, the one this window showed.
 */
export async function saveDocumentInfo(
  api: LoupeApi,
  corpusId: string,
  id: number,
  saver: DocumentSaver | null,
  change: { title?: string; status?: DocumentStatus; note?: string },
  seen: { knownRevision?: number; shownTitle?: string } = {},
): Promise<SaveResult> {
  if (saver && saver.documentId === id) return saver.saveInfo(change);
  let baseRevision = seen.knownRevision;
  if (baseRevision === undefined) {
    const stored = await api.getDocument({ id });
    if (seen.shownTitle !== undefined && stored.title !== seen.shownTitle) {
      const title = seen.shownTitle;
      throw withReason(new Error(`“${title}” was changed elsewhere (another window or tab); reopen it to see those changes`), { key: 'error.changedElsewhere', params: { title } }, 'conflict');
    }
    baseRevision = stored.revision;
  }
  return api.saveDocument({ corpusId, id, baseRevision, ...change, upsert: [], remove: [] });
}
