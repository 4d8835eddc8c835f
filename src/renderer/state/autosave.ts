/**
 * Autosave of the open document: changes are sent as a diff (new text only when it changed,
 * spans created/moved/relabelled, ids removed) within a second of the edit, one save at a time.
 */
import type { LoupeApi } from '../../shared/contract';
import type { SpanInput } from '../../shared/types';
import type { ReasonedError } from '../../shared/errors';
import { describeError } from '../i18n';

export type SaveStatus = { state: 'saved' } | { state: 'unsaved' } | { state: 'saving' } | { state: 'error'; message: string };

export interface Snapshot {
  text: string;
  spans: SpanInput[];
}

/** Quiet time after the last change before saving. */
const DEBOUNCE_MS = 250;
/** Longest a change waits while the user keeps working. */
const MAX_WAIT_MS = 800;
const RETRY_MS = 3000;

const sameSpan = (a: SpanInput, b: SpanInput): boolean => a.label === b.label && a.start === b.start && a.end === b.end;

/** What changed between two snapshots, as a save request body. */
export function diffSnapshots(before: Snapshot, after: Snapshot): { text?: string; upsert: SpanInput[]; remove: string[] } {
  const old = new Map(before.spans.map((s) => [s.id, s]));
  const upsert = after.spans.filter((s) => {
    const prev = old.get(s.id);
    return !prev || !sameSpan(prev, s);
  });
  const now = new Set(after.spans.map((s) => s.id));
  const remove = before.spans.filter((s) => !now.has(s.id)).map((s) => s.id);
  return { ...(after.text !== before.text ? { text: after.text } : {}), upsert, remove };
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
    private readonly onSaved: (spanCount: number) => void = () => undefined,
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
    if (diff.text === undefined && diff.upsert.length === 0 && diff.remove.length === 0) {
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
      this.onSaved(current.spans.length);
      this.onStatus(this.dirty ? { state: 'unsaved' } : { state: 'saved' });
    } catch (error) {
      this.dirty = true;
      this.lastError = describeError(error);
      this.onStatus({ state: 'error', message: this.lastError });
      // A conflict does not heal by retrying; anything else (a busy or full disk) may.
      const key = (error as ReasonedError).reason?.key;
      const final = key === 'error.changedElsewhere' || key === 'error.corpusNotOpen' || key === 'error.documentGone';
      if (!final && !this.timer) this.timer = setTimeout(() => void this.flush().catch(() => undefined), RETRY_MS);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
