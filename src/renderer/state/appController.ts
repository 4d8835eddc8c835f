/**
 * The window's state and every command, outside React (tldraw's Editor is the model): the corpus,
 * its documents, the open document, the mode, the overlay, settings, the banner error, import
 * progress. Components subscribe (useSyncExternalStore) and render; the menu, the toolbar, hotkeys
 * and drops call the commands here. Nothing in this file touches the DOM, so vitest runs it in Node.
 */
import type { LoupeApi } from '../../shared/contract';
import type { CurationView } from '../../shared/curation';
import { exportFileName } from '../../shared/formats';
import type { HostBridge, MenuCommand } from '../../shared/host';
import type {
  CorpusInfo,
  CurationStatus,
  DocumentStatus,
  DocumentSummary,
  ExportFilter,
  ExportFormat,
  ImportFormat,
  ImportSelection,
  Locale,
  OffsetUnit,
  OpenedDocument,
  Settings,
} from '../../shared/types';
import { LOUPE_VERSION } from '../../shared/version';
import type { EditorHandle, LinkingView, SpanDetails } from '../components/EditorPane';
import type { InspectorHandle } from '../components/Inspector';
import type { EditorMode } from '../editor/view';
import { NO_SPANS, type SpanList, SpanListStore } from '../editor/spanList';
import { describeError, isUserError } from '../i18n';
import { DocumentSaver, saveDocumentInfo } from './autosave';
import type { ChoiceRow, PickItem } from './dialogs';
import { runImport, type ImportProgressState } from './importFlow';
import { SaveStatusStore } from './saveStatus';

/** What covers the window besides the in-page dialogs. */
export type Overlay = 'help' | 'find' | 'schema' | 'export' | 'backups' | 'agreement' | null;

/** Everything the window draws from; a new object on every change. */
export interface AppState {
  corpus: CorpusInfo | null;
  documents: DocumentSummary[];
  openDoc: OpenedDocument | null;
  /** Bumped on every load, so the editor (and its saver) is rebuilt even for the same document. */
  loadSeq: number;
  spans: SpanList;
  selectedSpanId: string | null;
  inspected: { span: SpanDetails | null; linking: LinkingView | null };
  mode: EditorMode;
  settings: Settings | null;
  /** Another annotator's layer being read (read-only, but for a gold layer the user curates); null: the user's own. */
  layer: string | null;
  /** The open document's layers side by side instead of the editor: every layer (all), or the curation view. */
  lanes: LanesState | null;
  /** The document is opening in another layer: nothing may be tagged or typed until it has. */
  switching: boolean;
  error: string | null;
  overlay: Overlay;
  importing: ImportProgressState | null;
  dragging: boolean;
}

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** What the controller needs from the page around it; tests pass fakes. */
export interface AppControllerDeps {
  api: LoupeApi;
  host: HostBridge;
  /** The browser build: exports download through the bridge with this token. */
  web?: { token: string };
  downloadExport?: (
    token: string,
    params: { format: string; offsets: string; documentId?: number; name: string; filter?: ExportFilter },
  ) => Promise<{ documents: number; spans: number; links: number; losses: string[] }>;
  t: Translate;
  /** The UI language now (dates in messages are written in it). */
  language(): string;
  /** Switches the UI's language (i18next, the page's lang). */
  changeLanguage(locale: Locale): void;
  systemLocale(): Locale;
  dialogs: {
    isOpen(): boolean;
    showMessage(title: string, lines: string[]): Promise<void>;
    confirmAction(title: string, lines: string[], confirmLabel: string, cancelLabel?: string): Promise<boolean>;
    promptText(title: string, label: string, initial?: string): Promise<string | null>;
    chooseEach(title: string, lines: string[], rows: ChoiceRow[], confirmLabel: string): Promise<Record<string, string> | null>;
    pickSome(title: string, lines: string[], label: string, items: PickItem[], initial: string[], confirmLabel: string): Promise<string[] | null>;
  };
  /**
   * Undoes or redoes in the focused text field, if one has the focus; false when none has. The
   * menu's accelerator wins over a focused field (always on macOS), so undo must land there.
   */
  undoInField(command: 'undo' | 'redo'): boolean;
}

const INITIAL: AppState = {
  corpus: null,
  documents: [],
  openDoc: null,
  loadSeq: 0,
  layer: null,
  lanes: null,
  switching: false,
  spans: NO_SPANS,
  selectedSpanId: null,
  inspected: { span: null, linking: null },
  mode: 'annotate',
  settings: null,
  error: null,
  overlay: null,
  importing: null,
  dragging: false,
};

/** The lanes view's state (see LanesView.tsx). */
export interface LanesState {
  mode: 'all' | 'curate';
  gold: string;
  view: CurationView;
  /** A curation step is being stored: keys wait. */
  busy: boolean;
}

/** Whether `layer` is a gold layer of the corpus (some document is curated into it): the curator edits it. */
export const isGoldLayer = (documents: readonly DocumentSummary[], layer: string | null): boolean => layer !== null && documents.some((d) => d.curation?.gold === layer);

/** Whether the open document cannot be changed here: a read-only corpus, another annotator's layer (not a gold layer), or a layer switch under way. */
export const isReadOnly = (state: AppState): boolean =>
  (state.corpus?.readOnly ?? false) || (state.layer !== null && !isGoldLayer(state.documents, state.layer)) || state.switching;

const reasonKey = (e: unknown): string | undefined => (e as { reason?: { key?: string } } | null)?.reason?.key;

/** The app's state and commands; one per window. */
export class AppController {
  private state: AppState = INITIAL;
  private readonly listeners = new Set<() => void>();
  private saver: DocumentSaver | null = null;
  /** The editor of the open document, once it is drawn. */
  editor: EditorHandle | null = null;
  /** The side panel, for the keys that move the focus into it. */
  inspector: InspectorHandle | null = null;
  /** Drawn by the status bar straight into the DOM (see saveStatus.ts). */
  readonly saveStatus = new SaveStatusStore();
  /** The open document's newest spans: the span list draws their excerpts straight into the DOM (see spanList.ts). */
  readonly spanList = new SpanListStore();

  constructor(private readonly deps: AppControllerDeps) {}

  getState = (): AppState => this.state;

  /** A ref callback for the editor component. */
  attachEditor = (editor: EditorHandle | null): void => {
    this.editor = editor;
  };

  /** A ref callback for the inspector component. */
  attachInspector = (inspector: InspectorHandle | null): void => {
    this.inspector = inspector;
  };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  private set(change: Partial<AppState>): void {
    const next = { ...this.state, ...change };
    // A read-only corpus, or another annotator's layer, opens in annotate mode, where the text is not editable.
    if (next.corpus?.readOnly || next.layer !== null) next.mode = 'annotate';
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  private get readOnly(): boolean {
    return isReadOnly(this.state);
  }

  /** Runs `f` with the editor read-only: a key pressed while a document reopens in another layer is not lost in the old one. */
  private async switching<T>(f: () => Promise<T>): Promise<T> {
    this.set({ switching: true });
    try {
      return await f();
    } finally {
      this.set({ switching: false });
    }
  }

  /**
   * Shows another annotator's layer of the documents, read-only (null or the user's own name: back to
   * the user's own layer, editable). The open document is saved first and opens again in that layer.
   */
  async viewLayer(layer: string | null): Promise<void> {
    const own = this.state.settings?.annotator ?? null;
    const next = layer === own ? null : layer;
    if (next === this.state.layer) return;
    if (!(await this.saveBeforeLeaving())) return;
    await this.switching(async () => {
      this.set({ layer: next });
      const open = this.state.openDoc;
      if (open) await this.openDocument(open.id, { reload: true });
    });
  }

  /** Shows an error in the banner: a refusal reads as what it is, only the unexpected as something gone wrong. */
  report = (e: unknown): void => {
    const { t } = this.deps;
    this.set({ error: isUserError(e) ? describeError(e) : t('error.generic', { message: describeError(e) }) });
  };

  /** Sets (null: clears) the banner error. */
  setError(error: string | null): void {
    this.set({ error });
  }

  setOverlay(overlay: Overlay): void {
    this.set({ overlay });
  }

  /** Closes the find bar or key help and gives the keyboard back to the text. */
  closeOverlay(): void {
    this.set({ overlay: null });
    this.editor?.focus();
  }

  setDragging(dragging: boolean): void {
    if (dragging !== this.state.dragging) this.set({ dragging });
  }

  setMode(mode: EditorMode): void {
    if (!this.readOnly) this.set({ mode });
  }

  setSpans = (spans: SpanList): void => this.set({ spans });
  selectSpan = (selectedSpanId: string | null): void => this.set({ selectedSpanId });
  inspect = (span: SpanDetails | null, linking: LinkingView | null): void => this.set({ inspected: { span, linking } });

  private applyLocale(locale: Locale | null): void {
    const effective = locale ?? this.deps.systemLocale();
    this.deps.changeLanguage(effective);
    this.deps.host.setLocale(effective);
  }

  /** Saves the open document now; rejects while its changes could not be saved. */
  flush = async (): Promise<void> => {
    await this.saver?.flush();
  };

  /** True while the open document has changes not yet in the corpus file. */
  hasUnsavedChanges = (): boolean => this.saver?.hasUnsavedChanges() ?? false;

  private dropSaver(): void {
    this.saver?.dispose();
    this.saver = null;
  }

  /**
   * Saves before leaving the open document; when that fails, the user decides whether to leave
   * anyway (discarding what could not be saved). Resolves false to stay.
   */
  private async saveBeforeLeaving(): Promise<boolean> {
    try {
      await this.flush();
      return true;
    } catch (e) {
      const { t } = this.deps;
      return this.deps.dialogs.confirmAction(t('leave.title'), [describeError(e), t('leave.question')], t('leave.discard'));
    }
  }

  /** Opens a document (the one open already only with `reload`, or to reload it after a conflict). */
  async openDocument(id: number, options: { reload?: boolean } = {}): Promise<void> {
    const { api } = this.deps;
    if (!options.reload && this.state.openDoc?.id === id && !this.hasUnsavedChanges()) return;
    try {
      if (!(await this.saveBeforeLeaving())) return;
      // Another tab may have opened another corpus on the same bridge: show that one instead of
      // mixing its documents into this list.
      const info = await api.corpusInfo({});
      if (info.id !== this.state.corpus?.id) {
        await this.loadCorpus(info);
        return;
      }
      const doc = await api.getDocument({ id, ...(this.state.layer !== null ? { layer: this.state.layer } : {}) });
      this.dropSaver();
      this.set({ openDoc: doc, loadSeq: this.state.loadSeq + 1, selectedSpanId: null, inspected: { span: null, linking: null } });
      // The lanes follow the curator from document to document (busy, so no key acts on the last one's).
      const lanes = this.state.lanes;
      if (lanes && lanes.view.documentId !== id) {
        const busy = { ...lanes, busy: true };
        this.set({ lanes: busy });
        try {
          const view = await api.curationView({ id, gold: lanes.gold });
          if (this.state.lanes === busy && this.state.openDoc?.id === id) this.set({ lanes: { ...busy, view, busy: false } });
        } catch (e) {
          if (this.state.lanes === busy) this.set({ lanes: { ...busy, busy: false } });
          throw e;
        }
      }
    } catch (e) {
      this.report(e);
    }
  }

  /** Shows a corpus: its documents, the first one open. */
  async loadCorpus(info: CorpusInfo): Promise<void> {
    this.dropSaver();
    // A dialog drawn for the previous corpus (the schema editor above all) must not act on this one.
    this.goldName = null;
    this.set({ overlay: null, corpus: info, openDoc: null, spans: NO_SPANS, layer: null, lanes: null, selectedSpanId: null, inspected: { span: null, linking: null } });
    const list = await this.deps.api.listDocuments({});
    this.set({ documents: list });
    if (list[0]) await this.openDocument(list[0].id, { reload: true });
  }

  /** Follows another tab that switched the corpus on the same bridge (saves could not land anyway). */
  async followOtherTab(): Promise<void> {
    const shown = this.state.corpus?.id;
    if (!shown) return;
    const info = await this.deps.api.corpusInfo({}).catch(() => null);
    if (info && info.id !== this.state.corpus?.id) await this.loadCorpus(info).catch(() => undefined);
  }

  /** First load: settings (locale), the corpus, the first document, and why a corpus would not open. */
  async start(): Promise<void> {
    const { api, t, dialogs } = this.deps;
    try {
      const settings = await api.getSettings({});
      this.set({ settings });
      this.applyLocale(settings.locale);
      await this.loadCorpus(await api.corpusInfo({}));
      // A corpus that would not open at start (Loupe opened another): say why, offer its backups.
      for (const problem of await api.startupProblems({})) {
        if (problem.damaged && !(await this.offerBackups(problem.path))) {
          await dialogs.showMessage(t('backups.damagedTitle'), [t('backups.damagedNoBackup', { path: problem.path })]);
        } else if (!problem.damaged) {
          await dialogs.showMessage(t('dialog.openTitle'), [problem.reason ? t(problem.reason.key, problem.reason.params) : problem.message]);
        }
      }
    } catch (e) {
      this.report(e);
    }
  }

  /** Restores a backup (as a new file beside the corpus it was taken of) and opens it. */
  async restoreBackup(backup: string, corpusPath?: string): Promise<void> {
    const { api } = this.deps;
    if (!(await this.saveBeforeLeaving())) return;
    this.set({ overlay: null });
    await this.loadCorpus(await api.restoreBackup({ backup, ...(corpusPath ? { corpusPath } : {}) }));
    this.set({ settings: await api.getSettings({}) });
  }

  /**
   * A corpus failed its integrity check and was left as it is: offers its newest backup that is
   * still sound (an older one when the newest is damaged too). False when it has none.
   */
  private async offerBackups(corpusPath: string): Promise<boolean> {
    const { api, t } = this.deps;
    const backups = await api.listBackups({ corpusPath });
    if (backups.length === 0) return false;
    const when = new Date(backups[0]!.createdAt).toLocaleString(this.deps.language());
    const offer = [t('backups.damagedOffer', { path: corpusPath, when })];
    if (!(await this.deps.dialogs.confirmAction(t('backups.damagedTitle'), offer, t('backups.openBackup')))) return true;
    for (const [i, backup] of backups.entries()) {
      try {
        await this.restoreBackup(backup.path, corpusPath);
        return true;
      } catch (e) {
        if (reasonKey(e) !== 'error.backupDamaged' || i === backups.length - 1) throw e;
      }
    }
    return true;
  }

  /**
   * Shows a span of an annotator's layer (a disagreement of the agreement report): that layer (read-only
   * unless it is the user's), the document, the span selected.
   */
  async showSpan(documentId: number, annotator: string, spanId: string): Promise<void> {
    this.set({ overlay: null });
    this.pendingSelection = { documentId, spanId };
    const loaded = this.state.loadSeq;
    await this.viewLayer(annotator);
    await this.openDocument(documentId);
    // Nothing was loaded (the document was open in that layer already): select now; else the new
    // editor selects it when it is ready (editorReady).
    if (this.state.loadSeq === loaded && this.editor && this.state.openDoc?.id === documentId) this.selectPending(this.editor, documentId);
  }

  /** The agreement report's document row: that document with every layer side by side (the lanes). */
  async showDocumentLayers(documentId: number): Promise<void> {
    this.set({ overlay: null });
    if (this.state.lanes) await this.closeLanes();
    await this.openDocument(documentId);
    if (this.state.openDoc?.id === documentId) await this.openLanes('all');
  }

  /** A span (or text) to select once its document is in the editor (see showSpan). */
  private pendingSelection: { documentId: number; spanId: string } | { documentId: number; range: [number, number] } | null = null;

  private selectPending(editor: EditorHandle, documentId: number): void {
    const pending = this.pendingSelection;
    if (!pending || pending.documentId !== documentId) return;
    this.pendingSelection = null;
    if ('spanId' in pending) editor.selectSpan(pending.spanId);
    else editor.selectRange(pending.range[0], pending.range[1]);
  }

  /** The gold layer curation writes: the one named last, else the corpus's (a document curated into it), else asked. */
  private goldName: string | null = null;

  private async chooseGold(ask: boolean): Promise<string | null> {
    const known = this.goldName ?? this.state.documents.find((d) => d.curation)?.curation?.gold ?? null;
    if (known || !ask) return known ?? 'gold';
    const { t, dialogs } = this.deps;
    const gold = (await dialogs.promptText(t('curate.goldTitle'), t('curate.gold'), 'gold'))?.trim();
    if (gold) this.goldName = gold;
    return gold || null;
  }

  /**
   * Shows the open document's layers side by side (View › All layers, or the layer switcher), or its
   * curation view (View › Curate document…) for the gold layer.
   */
  async openLanes(mode: 'all' | 'curate'): Promise<void> {
    const open = this.state.openDoc;
    if (!open) return;
    const gold = await this.chooseGold(mode === 'curate');
    if (!gold) return;
    if (!(await this.saveBeforeLeaving())) return;
    const view = await this.deps.api.curationView({ id: open.id, gold });
    // The editor gives way to the lanes: nothing of it stays selected for the toolbar or the inspector to act on.
    this.set({ lanes: { mode, gold, view, busy: false }, overlay: null, selectedSpanId: null, inspected: { span: null, linking: null } });
  }

  /** The layer switcher's choice: a layer in the editor (the lanes closed first). */
  async showLayer(layer: string): Promise<void> {
    if (this.state.lanes) await this.closeLanes();
    await this.viewLayer(layer);
  }

  /**
   * Back to the editor from the lanes. After curating, the document opens again first (curation moves
   * its revision on), read-only until it has, so no key lands in an editor holding the old revision.
   */
  async closeLanes(): Promise<void> {
    const lanes = this.state.lanes;
    if (!lanes) return;
    const open = this.state.openDoc;
    if (lanes.mode === 'curate' && open) {
      await this.switching(async () => {
        await this.openDocument(open.id, { reload: true });
        this.set({ lanes: null });
      });
    } else {
      this.set({ lanes: null });
      this.editor?.focus();
    }
  }

  /** The document list's line for a curated document, from the view a curation step answered. */
  private curationShown(view: CurationView): void {
    if (view.status === null) return;
    const curation = { gold: view.gold, status: view.status };
    this.set({ documents: this.state.documents.map((d) => (d.id === view.documentId ? { ...d, curation } : d)) });
  }

  /**
   * Runs a curation step on the lanes' document and shows the view it answers, unless the lanes were
   * closed or moved to another document meanwhile (the step is stored all the same).
   */
  private async curationStep(step: (gold: string, id: number) => Promise<CurationView>): Promise<void> {
    const lanes = this.state.lanes;
    if (!lanes || lanes.busy) return;
    const busy = { ...lanes, busy: true };
    this.set({ lanes: busy });
    try {
      const view = await step(lanes.gold, lanes.view.documentId);
      this.curationShown(view);
      if (this.state.lanes === busy) this.set({ lanes: { ...busy, view, busy: false } });
    } catch (e) {
      if (this.state.lanes === busy) this.set({ lanes: { ...busy, busy: false } });
      this.report(e);
    }
  }

  /** Settles a cluster: of the annotators' `spans`, the gold layer takes `accept` (none: all rejected). */
  curate(spans: string[], accept: string[]): Promise<void> {
    return this.curationStep((gold, id) => this.deps.api.curate({ id, gold, spans, accept }));
  }

  setCurationStatus(status: CurationStatus): Promise<void> {
    return this.curationStep((gold, id) => this.deps.api.setCurationStatus({ id, gold, status }));
  }

  /** Accept all agreed, in the lanes' document only, into its gold layer (every annotator alike). */
  acceptAgreedHere(): Promise<void> {
    return this.curationStep(async (gold, id) => {
      await this.deps.api.acceptAgreed({ gold, documentIds: [id], threshold: 'all' });
      return this.deps.api.curationView({ id, gold });
    });
  }

  /**
   * Edits the gold layer in the editor at `range` (the curator's own span, or one accepted and to be
   * changed): `spanId` selected when given, else the text.
   */
  async editGold(range: [number, number], spanId: string | null): Promise<void> {
    const lanes = this.state.lanes;
    if (!lanes) return;
    const { api } = this.deps;
    const id = lanes.view.documentId;
    // Curation begins (the store lets a gold layer be edited once some document is curated into it).
    if (lanes.view.status === null) this.curationShown(await api.setCurationStatus({ id, gold: lanes.gold, status: 'in_progress' }));
    this.pendingSelection = spanId ? { documentId: id, spanId } : { documentId: id, range };
    const loaded = this.state.loadSeq;
    // Read-only from here until the gold layer is open: no key lands in the editor the lanes give way to.
    await this.switching(async () => {
      this.set({ lanes: null, layer: lanes.gold });
      await this.openDocument(id, { reload: true });
    });
    if (this.state.loadSeq === loaded && this.editor && this.state.openDoc?.id === id) this.selectPending(this.editor, id);
  }

  /** Called by the editor once it has the document: a saver for it. */
  editorReady = (editor: EditorHandle, doc: OpenedDocument): void => {
    this.selectPending(editor, doc.id);
    this.dropSaver();
    this.saver = new DocumentSaver(
      this.deps.api,
      this.state.corpus?.id ?? '',
      doc.id,
      doc.revision,
      () => editor.version(),
      this.saveStatus.set,
      (count, status) => {
        // The same list when nothing changed: no re-render (a React commit walks the editor's DOM),
        // and a changed count or status is drawn at a pause in typing, not between two keys.
        editor.whenCalm(`saved-${doc.id}`, () => {
          const { documents, openDoc } = this.state;
          const change: Partial<AppState> = {};
          if (documents.some((d) => d.id === doc.id && (d.spanCount !== count || d.status !== status))) {
            change.documents = documents.map((d) => (d.id === doc.id ? { ...d, spanCount: count, status } : d));
          }
          if (openDoc && openDoc.id === doc.id && openDoc.status !== status) change.openDoc = { ...openDoc, status };
          if (change.documents || change.openDoc) this.set(change);
        });
      },
    );
    if (isGoldLayer(this.state.documents, this.state.layer)) this.saver.layer = this.state.layer!;
    this.saveStatus.set({ state: 'saved' });
  };

  /** Called on every change the editor makes to the document. */
  docChanged = (): void => this.saver?.changed();

  private async refreshDocuments(): Promise<void> {
    this.set({ documents: await this.deps.api.listDocuments({}) });
  }

  /** Imports files (see importFlow.ts: label choices, chunks and progress, the report, duplicates). */
  async importFiles(files: ImportSelection, format: ImportFormat | 'auto' = 'auto'): Promise<void> {
    const { api, t, dialogs } = this.deps;
    await this.saveBeforeLeaving();
    await runImport(
      {
        api,
        t,
        describeError,
        progress: (importing) => this.set({ importing }),
        imported: async (total) => {
          await this.refreshDocuments();
          this.set({ corpus: await api.corpusInfo({}) });
          // The first imported document opens first, so the report shows over it.
          const first = total.imported[0];
          if (first) await this.openDocument(first.documentId, { reload: true });
        },
        chooseEach: dialogs.chooseEach,
        showMessage: dialogs.showMessage,
        confirmAction: dialogs.confirmAction,
      },
      files,
      { format },
    );
  }

  /** Files dropped on the window (`read` reads them): imported, or refused before reading in a read-only corpus. */
  async dropFiles(read: () => Promise<ImportSelection>): Promise<void> {
    this.setDragging(false);
    if (this.readOnly) {
      const { t } = this.deps;
      await this.deps.dialogs.showMessage(t('import.report'), [t('readOnly.noImport')]);
      return;
    }
    try {
      await this.importFiles(await read());
    } catch (e) {
      this.report(e);
    }
  }

  /** Asks for a document's new title and saves it. */
  async renameDocument(id: number): Promise<void> {
    if (this.readOnly) return;
    const { api, t } = this.deps;
    const current = this.state.documents.find((d) => d.id === id);
    const title = await this.deps.dialogs.promptText(t('docs.renameTitle'), t('docs.renameLabel'), current?.title ?? '');
    if (!title || title === current?.title) return;
    try {
      await saveDocumentInfo(api, this.state.corpus!.id, id, this.saver, { title }, { shownTitle: current?.title });
      await this.refreshDocuments();
    } catch (e) {
      this.report(e);
    }
  }

  /** Saves the open document's status or note, on the revision its editor has (see saveDocumentInfo). */
  async updateDocumentInfo(change: { status?: DocumentStatus; note?: string }): Promise<void> {
    const { openDoc, corpus } = this.state;
    if (!openDoc || !corpus) return;
    const id = openDoc.id;
    try {
      const result = await saveDocumentInfo(this.deps.api, corpus.id, id, this.saver, change, { knownRevision: openDoc.revision });
      const open = this.state.openDoc;
      this.set({
        // The revision too: without an editor (one that could not open) the next change is made on it.
        openDoc: open && open.id === id ? { ...open, ...change, status: result.status, revision: result.revision } : open,
        documents: this.state.documents.map((d) => (d.id === id ? { ...d, status: result.status } : d)),
      });
    } catch (e) {
      this.report(e);
    }
  }

  /**
   * Asks for the user's name as annotator (the computer's user name is offered until one is chosen);
   * the open document is saved first and opens again in the named annotator's layer.
   */
  async chooseAnnotator(): Promise<void> {
    const { api, t, dialogs } = this.deps;
    const current = this.state.settings?.annotator ?? '';
    const name = await dialogs.promptText(t('annotator.title'), t('annotator.label'), current);
    if (name === null || !name.trim()) return;
    if (!(await this.saveBeforeLeaving())) return;
    await this.switching(async () => {
      const settings = await api.updateSettings({ annotator: name.trim() });
      this.set({ settings, layer: null });
      await this.refreshDocuments();
      const open = this.state.openDoc;
      if (open) await this.openDocument(open.id, { reload: true });
    });
  }

  /**
   * The first-run question's answer "keep this name": the computer's user name offered until now
   * becomes the chosen one, and the question is not asked again.
   */
  async keepAnnotator(): Promise<void> {
    const name = this.state.settings?.annotator;
    if (!name) return;
    try {
      this.set({ settings: await this.deps.api.updateSettings({ annotator: name }) });
    } catch (e) {
      this.report(e);
    }
  }

  /** File › Export for annotator…: a copy of the corpus for one person, with or without the other layers. */
  private async handOut(): Promise<void> {
    const { api, host, t, dialogs } = this.deps;
    const corpus = this.state.corpus;
    if (!corpus) return;
    const name = (await dialogs.promptText(t('handout.title'), t('handout.name'), ''))?.trim();
    if (!name) return;
    const blind = await dialogs.confirmAction(t('handout.title'), [t('handout.blindQuestion', { name })], t('handout.blind', { name }), t('handout.withLayers'));
    // Which documents: all, the open one, or those not done yet.
    const { documents, openDoc } = this.state;
    let documentIds: number[] | undefined;
    if (documents.length > 1) {
      const notDone = documents.filter((d) => d.status !== 'done');
      const options = [
        { value: 'all', label: t('handout.allDocuments', { count: documents.length }) },
        ...(openDoc ? [{ value: 'open', label: t('handout.openDocument', { title: openDoc.title }) }] : []),
        ...(notDone.length && notDone.length < documents.length ? [{ value: 'notDone', label: t('handout.notDone', { count: notDone.length }) }] : []),
        { value: 'pick', label: t('handout.pick') },
      ];
      if (options.length > 1) {
        const choice = await dialogs.chooseEach(t('handout.title'), [t('handout.whichDocuments', { name })], [{ name: 'documents', label: t('handout.documents'), options }], t('handout.continue'));
        if (!choice) return;
        if (choice.documents === 'open' && openDoc) documentIds = [openDoc.id];
        if (choice.documents === 'notDone') documentIds = notDone.map((d) => d.id);
        if (choice.documents === 'pick') {
          const items = documents.map((d) => ({ value: String(d.id), label: d.title }));
          const picked = await dialogs.pickSome(t('handout.title'), [t('handout.pickQuestion', { name })], t('handout.documents'), items, openDoc ? [String(openDoc.id)] : [], t('handout.continue'));
          if (!picked) return;
          documentIds = picked.map(Number);
        }
      }
    }
    const path = await host.chooseCopyPath(`${corpus.name} – ${name}.loupe`);
    if (!path) return;
    await this.flush();
    const result = await api.handout({ annotator: name, path, ...(blind ? { blind } : {}), ...(documentIds ? { documentIds } : {}) });
    await dialogs.showMessage(t('handout.title'), [
      t('handout.done', { name, path: result.path, documents: result.documents, spans: result.spans }),
      t('handout.next', { name }),
    ]);
  }

  /** File › Merge annotations from…: an annotator's copy back into this corpus, and what came of it. */
  private async mergeCopy(): Promise<void> {
    const { api, host, t, dialogs } = this.deps;
    if (this.state.corpus?.readOnly) {
      await dialogs.showMessage(t('merge.title'), [t('readOnly.noImport')]);
      return;
    }
    const path = await host.chooseCopyToMerge();
    if (!path || !(await this.saveBeforeLeaving())) return;
    // A file that names no annotator (brat, doccano): whose its spans are is asked before anything is merged.
    const dry = await api.mergeCopy({ path, dryRun: true });
    let annotator: string | undefined;
    if (dry.unattributedSpans > 0) {
      annotator = (await dialogs.promptText(t('merge.title'), t('merge.whose', { count: dry.unattributedSpans }), ''))?.trim();
      if (!annotator) return;
    }
    const report = await api.mergeCopy({ path, ...(annotator ? { annotator } : {}) });
    const d = report.documents;
    const lines = [t('merge.documents', { inCopy: d.inCopy, byId: d.byId, byText: d.byText, aligned: d.aligned, notFound: d.notFound })];
    for (const l of report.layers) lines.push(t('merge.layer', { ...l }));
    if (report.documentNotes) lines.push(t('merge.notes', { count: report.documentNotes }));
    const problems = report.problems.slice(0, 20).map((p) => `${p.title}${p.annotator ? ` (${p.annotator})` : ''}: ${p.what}`);
    lines.push(...problems);
    if (report.problems.length > problems.length) lines.push(t('merge.more', { count: report.problems.length - problems.length }));
    await this.refreshDocuments();
    const open = this.state.openDoc;
    if (open) await this.openDocument(open.id, { reload: true });
    await dialogs.showMessage(t('merge.title'), lines);
  }

  /**
   * Accept all agreed: asks for the gold layer's name and the threshold, then adds to it what
   * `annotators` agree on (see `loupe curate`); true when it did.
   */
  async acceptAgreed(annotators: string[]): Promise<boolean> {
    const { api, t, dialogs } = this.deps;
    const gold = (await dialogs.promptText(t('curate.title'), t('curate.gold'), 'gold'))?.trim();
    if (!gold) return false;
    const choice = await dialogs.chooseEach(
      t('curate.title'),
      [t('curate.explain')],
      [{ name: 'threshold', label: t('curate.threshold'), options: [{ value: 'all', label: t('curate.all') }, { value: 'majority', label: t('curate.majority') }] }],
      t('curate.accept'),
    );
    if (!choice) return false;
    if (!(await this.saveBeforeLeaving())) return false;
    const report = await api.acceptAgreed({ gold, annotators: annotators.filter((a) => a !== gold), threshold: choice.threshold === 'majority' ? 'majority' : 'all' });
    await this.refreshDocuments();
    await dialogs.showMessage(t('curate.title'), [t('curate.done', { ...report })]);
    return true;
  }

  /** After a schema change: the corpus's new labels, and the open document read again under them. */
  async schemaApplied(info: CorpusInfo): Promise<void> {
    this.set({ corpus: info });
    await this.refreshDocuments();
    const open = this.state.openDoc;
    if (open) await this.openDocument(open.id, { reload: true });
  }

  /** Exports the corpus or the open document (downloaded in the browser build, to a chosen path in Electron). */
  async exportAs(scope: 'corpus' | 'document', format: ExportFormat, filter?: ExportFilter): Promise<void> {
    const { api, host, t, web, downloadExport } = this.deps;
    await this.flush();
    const { openDoc, corpus, settings } = this.state;
    const documentId = scope === 'document' ? openDoc?.id : undefined;
    if (scope === 'document' && documentId === undefined) return;
    const offsets = settings?.exportOffsets ?? 'codepoint';
    const base = scope === 'document' ? `document-${documentId}` : (corpus?.name ?? 'corpus');
    const name = exportFileName(base, format, offsets);
    let result: { documents: number; spans: number; links: number; losses: string[]; path?: string };
    if (web && downloadExport) {
      result = await downloadExport(web.token, { format, offsets, documentId, name, filter });
      // The CSV export comes as two files: spans, and links.
      if (format === 'csv') {
        await downloadExport(web.token, { format: 'csv-links', offsets, documentId, name: exportFileName(base, 'csv-links', offsets), filter });
      }
    } else {
      const path = await host.chooseExportPath(name, format, offsets);
      if (!path) return;
      // The host asked before replacing a file (a native save dialog does): the answer was yes.
      result = await api.exportCorpus({ format, path, offsets, documentId, ...(filter ? { filter } : {}), overwrite: true });
    }
    const lines = [
      result.path ? t('export.done', { ...result, path: result.path }) : t('export.downloaded', { ...result }),
      ...result.losses.map((loss) => t('export.lost', { loss })),
    ];
    if (result.path || result.losses.length) await this.deps.dialogs.showMessage(t('dialog.exportTitle'), lines);
  }

  private async setExportOffsets(offsets: OffsetUnit): Promise<void> {
    const { api } = this.deps;
    // At once, so an export chosen right after uses the new unit; the stored value follows.
    const shown = this.state.settings;
    if (shown) this.set({ settings: { ...shown, exportOffsets: offsets } });
    try {
      this.set({ settings: await api.updateSettings({ exportOffsets: offsets }) });
    } catch (e) {
      // Not stored: show what is.
      const stored = await api.getSettings({}).catch(() => null);
      if (stored) this.set({ settings: stored });
      throw e;
    }
  }

  private async openCorpus(path: string | null, readOnly: boolean): Promise<void> {
    const { api } = this.deps;
    if (!path || !(await this.saveBeforeLeaving())) return;
    try {
      await this.loadCorpus(await api.openCorpus({ path, ...(readOnly ? { readOnly } : {}) }));
    } catch (e) {
      // A damaged corpus with backups: offer the newest; without, say what is wrong.
      if (reasonKey(e) !== 'error.damaged' || !(await this.offerBackups(path))) throw e;
    }
    this.set({ settings: await api.getSettings({}) });
  }

  /** Undo or redo: in a focused field, else in the article unless something covers it. */
  undo(command: 'undo' | 'redo'): void {
    if (this.deps.undoInField(command)) return;
    if (this.state.overlay !== null || this.deps.dialogs.isOpen()) return;
    if (command === 'undo') this.editor?.undo();
    else this.editor?.redo();
  }

  /** Tags the selection with a label (or adds it as a fragment of the span selected last). */
  tag(label: string, fragment: boolean): void {
    if (this.readOnly) return;
    if (fragment) this.editor?.addFragment(label);
    else this.editor?.tag(label);
  }

  removeSelectedSpan(): void {
    if (!this.readOnly) this.editor?.removeSelectedSpan();
  }

  /** Starts linking from the selected span; says so when there is nothing to link from. */
  startLinking(): void {
    if (!this.editor?.startLinking()) this.set({ error: this.deps.t('inspector.nothingToLink') });
  }

  /** Runs a menu command (native menu, the in-page menu bar); failures show in the banner. */
  async runCommand(command: MenuCommand): Promise<void> {
    const { api, host, t, dialogs } = this.deps;
    try {
      switch (command.type) {
        case 'new-corpus': {
          const path = await host.chooseCorpusToCreate();
          if (path && (await this.saveBeforeLeaving())) {
            await this.loadCorpus(await api.createCorpus({ path }));
            this.set({ settings: await api.getSettings({}) });
          }
          break;
        }
        case 'open-corpus':
          await this.openCorpus(await host.chooseCorpusToOpen(), command.readOnly === true);
          break;
        case 'open-recent':
          await this.openCorpus(command.path, false);
          break;
        case 'save-copy': {
          const corpus = this.state.corpus;
          if (!corpus) break;
          const path = await host.chooseCopyPath(`${corpus.name} copy.loupe`);
          if (!path) break;
          await this.flush();
          const copy = await api.saveCopy({ path, overwrite: true }); // the host asked before replacing a file
          await dialogs.showMessage(t('menu.saveCopy'), [t('copy.saved', { path: copy.path })]);
          break;
        }
        case 'restore-backup':
          if (await this.saveBeforeLeaving()) this.set({ overlay: 'backups' });
          break;
        case 'handout':
          await this.handOut();
          break;
        case 'merge':
          await this.mergeCopy();
          break;
        case 'import': {
          // Said before any file is chosen and read: nothing can be imported into a read-only corpus.
          if (this.readOnly) {
            await dialogs.showMessage(t('import.report'), [t('readOnly.noImport')]);
            break;
          }
          const files = command.folder ? await host.chooseFolderToImport() : await host.chooseFilesToImport();
          if (files) await this.importFiles(files, command.format ?? 'auto');
          break;
        }
        case 'export-dialog':
          this.set({ overlay: 'export' });
          break;
        case 'export':
          await this.exportAs(command.scope, command.format);
          break;
        case 'save':
          await this.flush();
          break;
        case 'edit-schema':
          if (await this.saveBeforeLeaving()) this.set({ overlay: 'schema' });
          break;
        case 'set-annotator':
          await this.chooseAnnotator();
          break;
        case 'agreement':
          if (await this.saveBeforeLeaving()) this.set({ overlay: 'agreement' });
          break;
        case 'curate':
          await this.openLanes('curate');
          break;
        case 'all-layers':
          await this.openLanes('all');
          break;
        case 'undo':
        case 'redo':
          this.undo(command.type);
          break;
        case 'toggle-mode':
          this.setMode(this.state.mode === 'annotate' ? 'edit' : 'annotate');
          break;
        case 'set-export-offsets':
          await this.setExportOffsets(command.offsets);
          break;
        case 'set-locale': {
          const next = await api.updateSettings({ locale: command.locale });
          this.set({ settings: next });
          this.applyLocale(next.locale);
          break;
        }
        case 'about':
          await dialogs.showMessage(t('menu.about'), [t('about.text', { version: LOUPE_VERSION })]);
          break;
      }
    } catch (e) {
      this.report(e);
    }
  }
}
