/**
 * The window: menu bar (browser build only), toolbar, document list, editor, span panel, status bar.
 * It wires menu commands, hotkeys and autosave to the editor and the API; the editor itself lives
 * in editor/ and knows nothing of React.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { MenuCommand } from '../shared/host';
import type {
  CorpusInfo,
  DocumentStatus,
  DocumentSummary,
  ExportFormat,
  ExportFilter,
  ImportFile,
  ImportFormat,
  Label,
  LinkType,
  Locale,
  OpenedDocument,
  Settings,
} from '../shared/types';
import { LOUPE_VERSION } from '../shared/version';
import { DialogHost } from './components/DialogHost';
import { ErrorBoundary } from './components/ErrorBoundary';
import { isTextField } from './editor/keys';
import type { EditorMode } from './editor/view';
import { DocumentList } from './components/DocumentList';
import { EditorPane, type EditorHandle, type LinkingView, type SpanDetails } from './components/EditorPane';
import { NO_SPANS, type SpanList } from './editor/spanList';
import { ExportDialog } from './components/ExportDialog';
import { FindBar } from './components/FindBar';
import { Inspector, type InspectorHandle } from './components/Inspector';
import { KeyboardHelp } from './components/KeyboardHelp';
import { BackupsDialog } from './components/BackupsDialog';
import { SchemaEditor } from './components/SchemaEditor';
import { MenuBar } from './components/MenuBar';
import { SpanPanel } from './components/SpanPanel';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';
import { describeError, isUserError, systemLocale } from './i18n';
import { createPlatform } from './platform';
import { downloadExport } from './platform/httpApi';
import { readDropped } from './platform/webHost';
import { DocumentSaver, saveDocumentInfo } from './state/autosave';
import { SaveStatusStore } from './state/saveStatus';
import { exportFileName } from '../shared/formats';
import { chooseEach, confirmAction, dialogStore, promptText, showMessage } from './state/dialogs';
import { runImport } from './state/importFlow';


/** Whether a key event comes from the article (or nothing in particular): the page, or the editor's area. */
/** The keys a read-only corpus still answers: moving between spans, closing, help. */
const READ_ONLY_KEYS = new Set(['Tab', 'Escape', 'j', 'J', 'k', 'K', '?', '/', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']);

function isTextArea(target: EventTarget | null): boolean {
  if (target === document.body || target === document.documentElement || target === null) return true;
  return target instanceof Element && target.closest('.editor-scroll') !== null;
}

export function App() {
  const { t, i18n } = useTranslation();
  const platform = useMemo(() => createPlatform((key, values) => i18n.t(key, values)), [i18n]);
  const { api, host } = platform;

  const [corpus, setCorpus] = useState<CorpusInfo | null>(null);
  const [documents, setDocuments] = useState<DocumentSummary[]>([]);
  const [openDoc, setOpenDoc] = useState<OpenedDocument | null>(null);
  const [spans, setSpans] = useState<SpanList>(NO_SPANS);
  const [selectedSpanId, setSelectedSpanId] = useState<string | null>(null);
  const [mode, setMode] = useState<EditorMode>('annotate');
  const readOnly = corpus?.readOnly ?? false;
  const readOnlyRef = useRef(readOnly);
  readOnlyRef.current = readOnly;
  // A read-only corpus opens in annotate mode, where the text is not editable.
  useEffect(() => {
    if (readOnly) setMode('annotate');
  }, [readOnly]);
  const [saveStatus] = useState(() => new SaveStatusStore());
  const [settings, setSettings] = useState<Settings | null>(null);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [inspected, setInspected] = useState<{ span: SpanDetails | null; linking: LinkingView | null }>({
    span: null,
    linking: null,
  });
  const [overlay, setOverlay] = useState<'help' | 'find' | 'schema' | 'export' | 'backups' | null>(null);
  const overlayRef = useRef(overlay);
  overlayRef.current = overlay;

  const editorRef = useRef<EditorHandle | null>(null);
  const inspectorRef = useRef<InspectorHandle | null>(null);
  /** The open document's id, read by callbacks without waiting for a render. */
  const openIdRef = useRef<number | null>(null);
  /** Bumped on every load, so the editor (and its saver) is rebuilt even for the same document. */
  const loadSeqRef = useRef(0);
  /** The open corpus's id, which every save carries. */
  const corpusIdRef = useRef('');
  /** loadCorpus, for callbacks defined before it. */
  const loadCorpusRef = useRef<(info: CorpusInfo) => Promise<void>>(async () => undefined);
  const saverRef = useRef<DocumentSaver | null>(null);
  const dialogOpen = useSyncExternalStore(dialogStore.subscribe, () => dialogStore.get() !== null);

  const labels: Label[] = useMemo(() => corpus?.labels ?? [], [corpus]);
  const linkTypes: LinkType[] = useMemo(() => corpus?.linkTypes ?? [], [corpus]);

  // A refusal reads as what it is; only what Loupe did not expect reads as something gone wrong.
  const report = useCallback((e: unknown) => {
    setError(isUserError(e) ? describeError(e) : t('error.generic', { message: describeError(e) }));
  }, [t]);

  const applyLocale = useCallback(
    (locale: Locale | null) => {
      const effective = locale ?? systemLocale();
      void i18n.changeLanguage(effective);
      document.documentElement.lang = effective;
      host.setLocale(effective);
    },
    [host, i18n],
  );

  const refreshDocuments = useCallback(async () => {
    setDocuments(await api.listDocuments({}));
  }, [api]);

  const flush = useCallback(async () => {
    await saverRef.current?.flush();
  }, []);

  /**
   * Saves before leaving the open document; when that fails, the user decides whether to leave
   * anyway (discarding what could not be saved). Resolves false to stay.
   */
  const saveBeforeLeaving = useCallback(async (): Promise<boolean> => {
    try {
      await flush();
      return true;
    } catch (e) {
      return confirmAction(t('leave.title'), [describeError(e), t('leave.question')], t('leave.discard'));
    }
  }, [flush, t]);

  const openDocument = useCallback(
    async (id: number, options: { reload?: boolean } = {}) => {
      // The open document again: nothing to do, unless it has changes that could not be saved
      // (a conflict), where choosing it again is how the user asks to reload it.
      if (!options.reload && openIdRef.current === id && !saverRef.current?.hasUnsavedChanges()) return;
      try {
        if (!(await saveBeforeLeaving())) return;
        // Another tab may have opened another corpus on the same bridge: show that one instead of
        // mixing its documents into this list.
        const info = await api.corpusInfo({});
        if (info.id !== corpusIdRef.current) {
          await loadCorpusRef.current(info);
          return;
        }
        const doc = await api.getDocument({ id });
        saverRef.current?.dispose();
        saverRef.current = null;
        openIdRef.current = id;
        loadSeqRef.current += 1;
        setSelectedSpanId(null);
        setInspected({ span: null, linking: null });
        setOpenDoc(doc);
      } catch (e) {
        report(e);
      }
    },
    [api, report, saveBeforeLeaving],
  );

  const loadCorpus = useCallback(
    async (info: CorpusInfo) => {
      saverRef.current?.dispose();
      saverRef.current = null;
      // A dialog drawn for the previous corpus (the schema editor above all) must not act on this one.
      setOverlay(null);
      setCorpus(info);
      corpusIdRef.current = info.id;
      openIdRef.current = null;
      setOpenDoc(null);
      setSpans(NO_SPANS);
      const list = await api.listDocuments({});
      setDocuments(list);
      if (list[0]) await openDocument(list[0].id, { reload: true });
    },
    [api, openDocument],
  );
  loadCorpusRef.current = loadCorpus;

  /** Restores a backup (as a new file beside the corpus it was taken of) and opens it. */
  const restoreBackup = useCallback(
    async (backup: string, corpusPath?: string): Promise<void> => {
      if (!(await saveBeforeLeaving())) return;
      setOverlay(null);
      await loadCorpus(await api.restoreBackup({ backup, ...(corpusPath ? { corpusPath } : {}) }));
      setSettings(await api.getSettings({}));
    },
    [api, loadCorpus, saveBeforeLeaving],
  );

  /**
   * A corpus failed its integrity check and was left as it is: offer its newest backup that is
   * still sound (an older one when the newest is damaged too).
   */
  const offerBackups = useCallback(
    async (corpusPath: string): Promise<boolean> => {
      const backups = await api.listBackups({ corpusPath });
      const title = t('backups.damagedTitle');
      if (backups.length === 0) return false;
      const when = new Date(backups[0]!.createdAt).toLocaleString(i18n.language);
      if (!(await confirmAction(title, [t('backups.damagedOffer', { path: corpusPath, when })], t('backups.openBackup')))) return true;
      for (const [i, backup] of backups.entries()) {
        try {
          await restoreBackup(backup.path, corpusPath);
          return true;
        } catch (e) {
          if ((e as { reason?: { key?: string } }).reason?.key !== 'error.backupDamaged' || i === backups.length - 1) throw e;
        }
      }
      return true;
    },
    [api, i18n, restoreBackup, t],
  );

  // Coming back to a tab after another tab switched the corpus: follow it (saves could not land anyway).
  useEffect(() => {
    const check = () => {
      if (document.visibilityState !== 'visible' || !corpusIdRef.current) return;
      void api
        .corpusInfo({})
        .then((info) => (info.id !== corpusIdRef.current ? loadCorpusRef.current(info) : undefined))
        .catch(() => undefined);
    };
    window.addEventListener('focus', check);
    document.addEventListener('visibilitychange', check);
    return () => {
      window.removeEventListener('focus', check);
      document.removeEventListener('visibilitychange', check);
    };
  }, [api]);

  // First load: settings (locale), the corpus, the first document.
  useEffect(() => {
    void (async () => {
      try {
        const s = await api.getSettings({});
        setSettings(s);
        applyLocale(s.locale);
        await loadCorpus(await api.corpusInfo({}));
        // A corpus that would not open at start (Loupe opened another): say why, offer its backups.
        for (const problem of await api.startupProblems({})) {
          if (problem.damaged && !(await offerBackups(problem.path))) {
            await showMessage(t('backups.damagedTitle'), [t('backups.damagedNoBackup', { path: problem.path })]);
          } else if (!problem.damaged) await showMessage(t('dialog.openTitle'), [problem.reason ? t(problem.reason.key, problem.reason.params) : problem.message]);
        }
      } catch (e) {
        report(e);
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    host.onBeforeClose(flush, () => saverRef.current?.hasUnsavedChanges() ?? false);
  }, [host, flush]);

  // A saver per open document, created once the editor has the document.
  const onEditorReady = useCallback(
    (editor: EditorHandle, doc: OpenedDocument) => {
      saverRef.current?.dispose();
      saverRef.current = new DocumentSaver(
        api,
        corpusIdRef.current,
        doc.id,
        doc.revision,
        editor.read(),
        () => editor.read(),
        saveStatus.set,
        (count, docStatus) => {
          // The same list when nothing changed: no re-render (a React commit walks the editor's DOM).
          setDocuments((list) =>
            list.some((d) => d.id === doc.id && (d.spanCount !== count || d.status !== docStatus))
              ? list.map((d) => (d.id === doc.id ? { ...d, spanCount: count, status: docStatus } : d))
              : list,
          );
          setOpenDoc((open) => (open && open.id === doc.id && open.status !== docStatus ? { ...open, status: docStatus } : open));
        },
      );
      saveStatus.set({ state: 'saved' });
    },
    [api, saveStatus],
  );

  const onDocChanged = useCallback(() => saverRef.current?.changed(), []);

  const [importing, setImporting] = useState<{ done: number; total: number } | null>(null);

  /** Imports files (see state/importFlow.ts: label choices, chunks and progress, the report, duplicates). */
  const importFiles = useCallback(
    async (files: ImportFile[], format: ImportFormat | 'auto' = 'auto') => {
      if (files.length === 0) return;
      await saveBeforeLeaving();
      await runImport(
        {
          api,
          t,
          describeError,
          progress: setImporting,
          imported: async (total) => {
            await refreshDocuments();
            setCorpus(await api.corpusInfo({}));
            // The first imported document opens first, so the report shows over it.
            const first = total.imported[0];
            if (first) await openDocument(first.documentId, { reload: true });
          },
          chooseEach,
          showMessage,
          confirmAction,
        },
        files,
        { format },
      );
    },
    [api, openDocument, refreshDocuments, saveBeforeLeaving, t],
  );

  const renameDocument = useCallback(
    async (id: number) => {
      if (readOnlyRef.current) return;
      const current = documents.find((d) => d.id === id);
      const title = await promptText(t('docs.renameTitle'), t('docs.renameLabel'), current?.title ?? '');
      if (!title || title === current?.title) return;
      try {
        await saveDocumentInfo(api, corpus!.id, id, saverRef.current, { title }, { shownTitle: current?.title });
        await refreshDocuments();
      } catch (e) {
        report(e);
      }
    },
    [api, corpus, documents, refreshDocuments, report, t],
  );

  /** Saves the open document's status or note, on the revision its editor has (see saveDocumentInfo). */
  const updateDocumentInfo = useCallback(
    async (change: { status?: DocumentStatus; note?: string }) => {
      if (!openDoc || !corpus) return;
      const id = openDoc.id;
      try {
        const result = await saveDocumentInfo(api, corpus.id, id, saverRef.current, change, { knownRevision: openDoc.revision });
        // The revision too: without an editor (one that could not open) the next change is made on it.
        setOpenDoc((open) => (open && open.id === id ? { ...open, ...change, status: result.status, revision: result.revision } : open));
        setDocuments((list) => list.map((d) => (d.id === id ? { ...d, status: result.status } : d)));
      } catch (e) {
        report(e);
      }
    },
    [api, corpus, openDoc, report],
  );

  /** After a schema change: the corpus's new labels, and the open document read again under them. */
  const schemaApplied = useCallback(
    async (info: CorpusInfo) => {
      setCorpus(info);
      await refreshDocuments();
      if (openIdRef.current !== null) await openDocument(openIdRef.current, { reload: true });
    },
    [openDocument, refreshDocuments],
  );

  const exportAs = useCallback(
    async (scope: 'corpus' | 'document', format: ExportFormat, filter?: ExportFilter) => {
      await flush();
      const documentId = scope === 'document' ? openDoc?.id : undefined;
      if (scope === 'document' && documentId === undefined) return;
      const offsets = settings?.exportOffsets ?? 'codepoint';
      const base = scope === 'document' ? `document-${documentId}` : (corpus?.name ?? 'corpus');
      const name = exportFileName(base, format, offsets);
      let result: { documents: number; spans: number; links: number; losses: string[]; path?: string };
      if (platform.web) {
        result = await downloadExport(platform.web.token, { format, offsets, documentId, name, filter });
        // The CSV export comes as two files: spans, and links.
        if (format === 'csv') {
          await downloadExport(platform.web.token, { format: 'csv-links', offsets, documentId, name: exportFileName(base, 'csv-links', offsets), filter });
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
      if (result.path || result.losses.length) await showMessage(t('dialog.exportTitle'), lines);
    },
    [api, corpus, flush, host, openDoc, platform.web, settings, t],
  );

  const runCommand = useCallback(
    async (command: MenuCommand) => {
      try {
        switch (command.type) {
          case 'new-corpus': {
            const path = await host.chooseCorpusToCreate();
            if (path && (await saveBeforeLeaving())) {
              await loadCorpus(await api.createCorpus({ path }));
              setSettings(await api.getSettings({}));
            }
            break;
          }
          case 'open-corpus':
          case 'open-recent': {
            const path = command.type === 'open-recent' ? command.path : await host.chooseCorpusToOpen();
            const readOnly = command.type === 'open-corpus' && command.readOnly === true;
            if (path && (await saveBeforeLeaving())) {
              try {
                await loadCorpus(await api.openCorpus({ path, ...(readOnly ? { readOnly } : {}) }));
              } catch (e) {
                // A damaged corpus with backups: offer the newest; without, say what is wrong.
                if ((e as { reason?: { key?: string } }).reason?.key !== 'error.damaged' || !(await offerBackups(path))) throw e;
              }
              setSettings(await api.getSettings({}));
            }
            break;
          }
          case 'save-copy': {
            if (!corpus) break;
            const path = await host.chooseCopyPath(`${corpus.name} copy.loupe`);
            if (!path) break;
            await flush();
            const copy = await api.saveCopy({ path, overwrite: true }); // the host asked before replacing a file
            await showMessage(t('menu.saveCopy'), [t('copy.saved', { path: copy.path })]);
            break;
          }
          case 'restore-backup':
            if (await saveBeforeLeaving()) setOverlay('backups');
            break;
          case 'import': {
            // Said before any file is chosen and read: nothing can be imported into a read-only corpus.
            if (readOnlyRef.current) {
              await showMessage(t('import.report'), [t('readOnly.noImport')]);
              break;
            }
            const files = command.folder ? await host.chooseFolderToImport() : await host.chooseFilesToImport();
            if (files) await importFiles(files, command.format ?? 'auto');
            break;
          }
          case 'export-dialog':
            setOverlay('export');
            break;
          case 'export':
            await exportAs(command.scope, command.format);
            break;
          case 'save':
            await flush();
            break;
          case 'edit-schema':
            if (await saveBeforeLeaving()) setOverlay('schema');
            break;
          case 'undo':
          case 'redo':
            // The menu's accelerator wins over a focused field (always on macOS): undo there, not in
            // the article behind it; and never in the article while a dialog covers it.
            if (isTextField(document.activeElement)) document.execCommand(command.type);
            else if (overlayRef.current === null && dialogStore.get() === null) {
              if (command.type === 'undo') editorRef.current?.undo();
              else editorRef.current?.redo();
            }
            break;
          case 'toggle-mode':
            if (!readOnlyRef.current) setMode((m) => (m === 'annotate' ? 'edit' : 'annotate'));
            break;
          case 'set-export-offsets': {
            // At once, so an export chosen right after uses the new unit; the stored value follows.
            setSettings((s) => (s ? { ...s, exportOffsets: command.offsets } : s));
            try {
              setSettings(await api.updateSettings({ exportOffsets: command.offsets }));
            } catch (e) {
              // Not stored: show what is.
              const stored = await api.getSettings({}).catch(() => null);
              if (stored) setSettings(stored);
              throw e;
            }
            break;
          }
          case 'set-locale': {
            const next = await api.updateSettings({ locale: command.locale });
            setSettings(next);
            applyLocale(next.locale);
            break;
          }
          case 'about':
            await showMessage(t('menu.about'), [t('about.text', { version: LOUPE_VERSION })]);
            break;
        }
      } catch (e) {
        report(e);
      }
    },
    [api, applyLocale, corpus, exportAs, flush, host, importFiles, loadCorpus, offerBackups, report, saveBeforeLeaving, t],
  );

  useEffect(() => host.onMenuCommand((c) => void runCommand(c)), [host, runCommand]);

  // Window-level keys: Ctrl/Cmd+S everywhere; in annotate mode the label hotkeys and span keys.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (dialogOpen || overlay !== null || isTextField(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      if (mod && event.key.toLowerCase() === 's') {
        event.preventDefault();
        void flush().catch(() => undefined); // the status bar shows why it failed
        return;
      }
      const editor = editorRef.current;
      if (!editor) return;
      if (mod && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'f') {
        event.preventDefault();
        setOverlay('find');
        return;
      }
      if (mode === 'edit') {
        if (event.key === 'Escape') {
          event.preventDefault();
          setMode('annotate');
        }
        return;
      }
      // A read-only corpus: moving between spans and closing things only; nothing that changes it.
      if (readOnly && !READ_ONLY_KEYS.has(event.key)) return;
      if (!mod && !event.altKey) {
        const key = event.key;
        const open = (what: 'help' | 'find') => {
          event.preventDefault();
          setOverlay(what);
        };
        if (key === '?') return open('help');
        if (key === '/') return open('find');
        if (!inspected.linking && (key === 'a' || key === 'A') && inspectorRef.current?.focusAttributes()) {
          event.preventDefault();
          return;
        }
        if (!inspected.linking && (key === 'n' || key === 'N') && inspectorRef.current?.focusNote()) {
          event.preventDefault();
          return;
        }
        if (key === 'e' || key === 'E') {
          event.preventDefault();
          setMode('edit');
          return;
        }
      }
      // Tab selects spans only from the text; on a button or a list it moves the focus as usual.
      if (event.key === 'Tab' && !isTextArea(event.target)) return;
      if (editor.handleAnnotateKey(event)) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialogOpen, flush, inspected.linking, mode, overlay, readOnly]);

  // Drag and drop of files anywhere on the window imports them.
  const onDrop = useCallback(
    async (event: React.DragEvent) => {
      event.preventDefault();
      setDragging(false);
      if (event.dataTransfer.files.length === 0) return;
      if (readOnlyRef.current) {
        await showMessage(t('import.report'), [t('readOnly.noImport')]);
        return;
      }
      try {
        await importFiles(await readDropped(event.dataTransfer));
      } catch (e) {
        report(e);
      }
    },
    [importFiles, report, t],
  );

  const selectedSpan = spans.spans.find((s) => s.id === selectedSpanId) ?? null;

  return (
    <div
      className={`app${dragging ? ' is-dragging' : ''}`}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => void onDrop(e)}
    >
      <header>
      <h1 className="visually-hidden">{t('app.heading', { name: corpus?.name ?? '' })}</h1>
      {platform.web && (
        <MenuBar
          recent={settings?.recentCorpora ?? []}
          locale={settings?.locale ?? null}
          exportOffsets={settings?.exportOffsets ?? 'codepoint'}
          hasDocument={openDoc !== null}
          onCommand={(c) => platform.web?.emit(c)}
        />
      )}
      <Toolbar
        labels={labels}
        mode={mode}
        hasSelectedSpan={selectedSpan !== null}
        onTag={(label, fragment) => {
          if (readOnly) return;
          if (fragment) editorRef.current?.addFragment(label);
          else editorRef.current?.tag(label);
        }}
        onHelp={() => setOverlay('help')}
        onModeChange={(m) => !readOnly && setMode(m)}
        onRemove={() => !readOnly && editorRef.current?.removeSelectedSpan()}
        onUndo={() => editorRef.current?.undo()}
        onRedo={() => editorRef.current?.redo()}
      />
      </header>
      {readOnly && (
        <div className="read-only-banner" role="status">
          {t('readOnly.banner')}
        </div>
      )}
      {corpus && corpus.problems.length > 0 && (
        <div className="problems-banner" role="status">
          {t('problems.corpus', { problems: corpus.problems.join('; ') })}
        </div>
      )}
      {error && (
        <div className="error-banner" role="alert">
          <span>{error}</span>
          <button type="button" onClick={() => setError(null)}>
            {t('dialog.close')}
          </button>
        </div>
      )}
      <main className="workspace">
        <DocumentList
          documents={documents}
          openId={openDoc?.id ?? null}
          liveSpanCount={openDoc ? spans.spans.length : null}
          onOpen={(id) => void openDocument(id)}
          onRename={(id) => void renameDocument(id)}
          readOnly={readOnly}
        />
        <section className="editor-column" aria-label={t('editor.label')}>
          {openDoc?.problems?.length ? (
            <div className="problems-banner" role="status">
              {t('problems.document', { problems: openDoc.problems.join('; ') })}
            </div>
          ) : null}
          {openDoc ? (
            <ErrorBoundary key={loadSeqRef.current} what={t('editor.label')}>
            <EditorPane
              key={loadSeqRef.current}
              ref={editorRef}
              document={openDoc}
              labels={labels}
              linkTypes={linkTypes}
              mode={mode}
              readOnly={readOnly}
              onReady={onEditorReady}
              onDocChanged={onDocChanged}
              onSpansChanged={setSpans}
              onSelectSpan={setSelectedSpanId}
              onInspect={(span, linking) => setInspected({ span, linking })}
            />
            </ErrorBoundary>
          ) : (
            <p className="placeholder">{t('editor.noDocument')}</p>
          )}
        </section>
        <div className="side-column">
          <Inspector
            ref={inspectorRef}
            labels={labels}
            span={inspected.span}
            linking={inspected.linking}
            documentId={openDoc?.id ?? null}
            documentStatus={openDoc?.status ?? null}
            documentNote={openDoc?.note ?? ''}
            onSetAttr={(id, name, value) => editorRef.current?.setAttr(id, name, value)}
            onSetNote={(id, note) => editorRef.current?.setNote(id, note)}
            onRemoveLink={(id) => editorRef.current?.removeLink(id)}
            onSelectSpan={(id) => editorRef.current?.selectSpan(id)}
            onStartLink={() => {
              if (!editorRef.current?.startLinking()) setError(t('inspector.nothingToLink'));
            }}
            onSetStatus={(s) => void updateDocumentInfo({ status: s })}
            onSetDocumentNote={(note) => void updateDocumentInfo({ note })}
            onLeave={() => editorRef.current?.focus()}
            readOnly={readOnly}
          />
          <SpanPanel
            list={spans}
            labels={labels}
            selectedId={selectedSpanId}
            onSelect={(id) => editorRef.current?.selectSpan(id)}
          />
        </div>
      </main>
      {overlay === 'find' && (
        <FindBar
          onFind={(query) => editorRef.current?.find(query) ?? false}
          onClose={() => {
            setOverlay(null);
            editorRef.current?.focus();
          }}
        />
      )}
      {overlay === 'help' && (
        <KeyboardHelp
          onClose={() => {
            setOverlay(null);
            editorRef.current?.focus();
          }}
        />
      )}
      {overlay === 'schema' && corpus && (
        <SchemaEditor
          key={corpus.id}
          corpus={corpus}
          api={api}
          host={host}
          onClose={() => setOverlay(null)}
          onApplied={(info) => void schemaApplied(info).catch(report)}
        />
      )}
      <StatusBar status={saveStatus} corpusName={corpus?.name ?? ''} mode={mode} />
      {dragging && <div className="drop-overlay">{t('docs.dropHint')}</div>}
      {importing && (
        <div className="import-progress" role="status" aria-live="polite">
          <span>{t('import.progress', { done: importing.done, total: importing.total })}</span>
          <progress max={importing.total} value={importing.done} aria-label={t('import.progressLabel')} />
        </div>
      )}
      {overlay === 'export' && corpus && (
        <ExportDialog
          corpus={corpus}
          hasDocument={openDoc !== null}
          onClose={() => setOverlay(null)}
          onExport={(scope, format, filter) => {
            setOverlay(null);
            void exportAs(scope, format, filter).catch(report);
          }}
        />
      )}
      {overlay === 'backups' && (
        <BackupsDialog
          api={api}
          onClose={() => setOverlay(null)}
          onRestore={(backup) => void restoreBackup(backup.path).catch(report)}
        />
      )}
      <DialogHost />
    </div>
  );
}
