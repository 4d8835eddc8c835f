/**
 * Autosave of the open document: changes are sent as a diff (the text change as one splice, spans
 * created/relabelled or moved otherwise than the splice moves them, ids removed) within a second of
 * the edit, one save at a time.
 */
import type { LoupeApi } from '../../shared/contract';
import type { DocumentStatus, SaveResult } from '../../shared/types';
import { withReason, type ReasonedError } from '../../shared/errors';
import { type DocVersion, isEmptyDiff } from '../../shared/saveDiff';
import { describeError } from '../i18n';

export type SaveStatus = { state: 'saved' } | { state: 'unsaved' } | { state: 'saving' } | { state: 'error'; message: string };

/** Quiet time after the last change before saving. */
const DEBOUNCE_MS = 250;
/** Longest a change waits while the user keeps working. */
const MAX_WAIT_MS = 800;
const RETRY_MS = 3000;

export class DocumentSaver {
  private saved: DocVersion;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstDirtyAt = 0;
  private dirty = false;
  private inFlight: Promise<void> | null = null;
  private lastError: string | null = null;
  private shown: SaveStatus | null = null;
  /** The layer saves write when not the user's own (a gold layer the user curates). */
  layer: string | undefined;

  constructor(
    private readonly api: LoupeApi,
    private readonly corpusId: string,
    readonly documentId: number,
    private revision: number,
    /** The document shown now; the first call gives what is stored, the version changes are measured from. */
    private readonly current: () => DocVersion,
    private readonly report: (status: SaveStatus) => void,
    private readonly onSaved: (spanCount: number, status: DocumentStatus) => void = () => undefined,
  ) {
    this.saved = current();
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
    const current = this.current();
    const diff = current.changesSince(this.saved);
    if (isEmptyDiff(diff)) {
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
        ...(this.layer !== undefined ? { layer: this.layer } : {}),
      });
      this.revision = result.revision;
      this.saved = current;
      this.lastError = null;
      this.onSaved(current.spanCount, result.status);
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
