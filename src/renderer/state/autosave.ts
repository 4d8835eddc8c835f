/**
 * Autosave of the open document: changes are sent as a diff (new text only when it changed,
 * spans created/moved/relabelled, ids removed) within a second of the edit, one save at a time.
 */
import type { LoupeApi } from '../../shared/contract';
import type { DocumentStatus, Link, SpanInput } from '../../shared/types';
import type { ReasonedError } from '../../shared/errors';
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
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.is(a[k], b[k]));
};

const sameSpan = (a: SpanInput, b: SpanInput): boolean =>
  a.label === b.label &&
  a.start === b.start &&
  a.end === b.end &&
  sameFragments(a, b) &&
  sameAttrs(a.attrs, b.attrs) &&
  (a.note ?? '') === (b.note ?? '');

const sameLink = (a: Link, b: Link): boolean => a.type === b.type && a.from === b.from && a.to === b.to;

/** Items of `after` that are new or changed since `before`, and ids of those gone. */
function diffById<T extends { id: string }>(before: readonly T[], after: readonly T[], same: (a: T, b: T) => boolean) {
  const old = new Map(before.map((x) => [x.id, x]));
  const upsert = after.filter((x) => {
    const prev = old.get(x.id);
    return !prev || !same(prev, x);
  });
  const now = new Set(after.map((x) => x.id));
  const remove = before.filter((x) => !now.has(x.id)).map((x) => x.id);
  return { upsert, remove };
}

/** What changed between two snapshots, as a save request body. */
export function diffSnapshots(
  before: Snapshot,
  after: Snapshot,
): { text?: string; upsert: SpanInput[]; remove: string[]; upsertLinks: Link[]; removeLinks: string[] } {
  const spans = diffById(before.spans, after.spans, sameSpan);
  const links = diffById(before.links, after.links, sameLink);
  return {
    ...(after.text !== before.text ? { text: after.text } : {}),
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

  constructor(
    private readonly api: LoupeApi,
    private readonly corpusId: string,
    readonly documentId: number,
    private revision: number,
    initial: Snapshot,
    private readonly read: () => Snapshot,
    private readonly onStatus: (status: SaveStatus) => void,
    private readonly onSaved: (spanCount: number, status: DocumentStatus) => void = () => undefined,
  ) {
    this.saved = initial;
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

  /** True while some change is not in the corpus file yet. */
  hasUnsavedChanges(): boolean {
    return this.dirty || this.inFlight !== null;
  }

  private async saveOnce(): Promise<void> {
    this.dirty = false;
    const current = this.read();
    const diff = diffSnapshots(this.saved, current);
    const empty =
      diff.text === undefined &&
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
      // A conflict or a refused change does not heal by retrying; anything else (a busy or full disk) may.
      const { reason, code } = error as ReasonedError;
      const key = reason?.key;
      const final =
        key === 'error.changedElsewhere' ||
        key === 'error.corpusNotOpen' ||
        key === 'error.documentGone' ||
        code === 'invalid-argument' ||
        code === 'conflict' ||
        code === 'not-found';
      if (!final && !this.timer) this.timer = setTimeout(() => void this.flush().catch(() => undefined), RETRY_MS);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
