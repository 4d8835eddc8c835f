/**
 * The app controller's commands, without a DOM: a fake API client (the one the renderer gets from
 * platform/), a fake host (its native dialogs) and fake in-page dialogs. What is checked is what the
 * user would see: the corpus and document shown, the dialog asked, the banner, what reached the API.
 */
import { describe, expect, it, vi } from 'vitest';
import { ApiError, type LoupeApi } from '../../src/shared/contract';
import type { HostBridge } from '../../src/shared/host';
import type { CorpusInfo, DocumentSummary, OpenedDocument, Settings } from '../../src/shared/types';
import type { EditorHandle } from '../../src/renderer/components/EditorPane';
import { AppController, type AppControllerDeps } from '../../src/renderer/state/appController';
import { type Snapshot, snapshotVersion } from '../../src/shared/saveDiff';

const corpus = (id: string, extra: Partial<CorpusInfo> = {}): CorpusInfo => ({
  id,
  path: `/c/${id}.loupe`,
  name: id,
  labels: [],
  linkTypes: [],
  documentCount: 2,
  readOnly: false,
  problems: [],
  ...extra,
});

const summary = (id: number): DocumentSummary => ({ id, title: `doc ${id}`, spanCount: 0, status: 'new', updatedAt: '' });

const opened = (id: number): OpenedDocument =>
  ({ id, title: `doc ${id}`, text: `text ${id}`, meta: {}, status: 'new', note: '', spans: [], links: [], revision: 1, createdAt: '', updatedAt: '' }) as unknown as OpenedDocument;

const SETTINGS: Settings = { locale: null, recentCorpora: [], exportOffsets: 'codepoint', annotator: 'tester', annotatorChosen: true };

/** A fake API over one corpus at a time, with two documents. */
function fakeApi(start: CorpusInfo = corpus('A')) {
  let current = start;
  const api = {
    getSettings: vi.fn(async () => SETTINGS),
    updateSettings: vi.fn(async (change: Partial<Settings>) => ({ ...SETTINGS, ...change })),
    corpusInfo: vi.fn(async () => current),
    startupProblems: vi.fn(async () => []),
    listDocuments: vi.fn(async () => [summary(1), summary(2)]),
    getDocument: vi.fn(async ({ id }: { id: number }) => opened(id)),
    openCorpus: vi.fn(async ({ path, readOnly }: { path: string; readOnly?: boolean }) => {
      current = corpus(path, { readOnly: readOnly ?? false });
      return current;
    }),
    createCorpus: vi.fn(async ({ path }: { path: string }) => (current = corpus(path))),
    listBackups: vi.fn(async () => [] as { path: string; createdAt: string; size: number }[]),
    restoreBackup: vi.fn(async ({ backup }: { backup: string }) => (current = corpus(`restored ${backup}`))),
    exportCorpus: vi.fn(async ({ path }: { path: string }) => ({ documents: 2, spans: 0, links: 0, losses: [] as string[], path })),
    saveDocument: vi.fn(async () => ({ revision: 2, status: 'new' })),
    saveCopy: vi.fn(async ({ path }: { path: string }) => ({ path })),
    importFiles: vi.fn(),
    switchTo(info: CorpusInfo) {
      current = info;
    },
  };
  return api;
}

function fakeHost(): HostBridge & { [K in keyof HostBridge]: HostBridge[K] } {
  return {
    kind: 'electron',
    chooseCorpusToOpen: vi.fn(async () => '/elsewhere/B.loupe'),
    chooseCopyToMerge: vi.fn(async () => '/elsewhere/copy.loupe'),
    chooseCorpusToCreate: vi.fn(async () => null),
    chooseCopyPath: vi.fn(async () => null),
    chooseFilesToImport: vi.fn(async () => null),
    chooseFolderToImport: vi.fn(async () => null),
    chooseExportPath: vi.fn(async (name: string) => `/out/${name}`),
    saveTextFile: vi.fn(async () => false),
    openTextFile: vi.fn(async () => null),
    onMenuCommand: vi.fn(() => () => undefined),
    onBeforeClose: vi.fn(),
    setLocale: vi.fn(),
  };
}

function fakeEditor(read: () => Snapshot): EditorHandle {
  const noop = () => undefined;
  return {
    version: () => snapshotVersion(read()),
    whenCalm: (_key, task) => task(),
    tag: vi.fn(),
    addFragment: vi.fn(() => true),
    removeSelectedSpan: vi.fn(),
    undo: vi.fn(),
    redo: vi.fn(),
    selectSpan: vi.fn(),
    selectRange: vi.fn(),
    handleAnnotateKey: vi.fn(() => false),
    setAttr: vi.fn(),
    setNote: vi.fn(),
    removeLink: vi.fn(),
    startLinking: vi.fn(() => false),
    find: vi.fn(() => false),
    focus: noop,
  };
}

function setup(options: { api?: ReturnType<typeof fakeApi>; confirm?: boolean; fieldFocused?: boolean; web?: boolean } = {}) {
  const api = options.api ?? fakeApi();
  const host = fakeHost();
  const dialogs = {
    open: false,
    isOpen: () => dialogs.open,
    showMessage: vi.fn(async (_title: string, _lines: string[]) => undefined),
    confirmAction: vi.fn(async () => options.confirm ?? false),
    promptText: vi.fn(async () => null as string | null),
    chooseEach: vi.fn(async () => null),
    pickSome: vi.fn(async () => null),
  };
  const downloadExport = vi.fn(async () => ({ documents: 2, spans: 0, links: 0, losses: [] as string[] }));
  const undoInField = vi.fn(() => options.fieldFocused ?? false);
  const changeLanguage = vi.fn();
  const deps: AppControllerDeps = {
    api: api as unknown as LoupeApi,
    host,
    ...(options.web ? { web: { token: 'tok' }, downloadExport } : {}),
    t: (key, values) => (values ? `${key} ${JSON.stringify(values)}` : key),
    language: () => 'en',
    changeLanguage,
    systemLocale: () => 'zh-CN',
    dialogs,
    undoInField,
  };
  const app = new AppController(deps);
  return { app, api, host, dialogs, downloadExport, undoInField, changeLanguage };
}

describe('AppController', () => {
  it('starts with the settings’ locale (the system’s when unset), the corpus and its first document open', async () => {
    const { app, host, changeLanguage } = setup();
    const renders = vi.fn();
    app.subscribe(renders);
    await app.start();
    const state = app.getState();
    expect(changeLanguage).toHaveBeenCalledWith('zh-CN');
    expect(host.setLocale).toHaveBeenCalledWith('zh-CN');
    expect(state.corpus?.id).toBe('A');
    expect(state.documents.map((d) => d.id)).toEqual([1, 2]);
    expect(state.openDoc?.id).toBe(1);
    expect(state.error).toBeNull();
    expect(renders).toHaveBeenCalled();
  });

  it('says why a corpus would not open at start, and that a damaged one has no backup', async () => {
    const api = fakeApi();
    api.startupProblems.mockResolvedValue([
      { path: '/x/broken.loupe', message: 'damaged', damaged: true, backups: [] },
      { path: '/x/busy.loupe', message: 'busy elsewhere', damaged: false, backups: [] },
    ] as never);
    const { app, dialogs } = setup({ api });
    await app.start();
    expect(dialogs.showMessage.mock.calls.map((c) => c[1][0])).toEqual(['backups.damagedNoBackup {"path":"/x/broken.loupe"}', 'busy elsewhere']);
  });

  it('opens a chosen corpus read-only: annotate mode, no mode switch, no import, no rename', async () => {
    const { app, api, host, dialogs } = setup();
    await app.start();
    app.setMode('edit');
    expect(app.getState().mode).toBe('edit');
    await app.runCommand({ type: 'open-corpus', readOnly: true });
    expect(api.openCorpus).toHaveBeenCalledWith({ path: '/elsewhere/B.loupe', readOnly: true });
    expect(app.getState().corpus?.readOnly).toBe(true);
    expect(app.getState().mode).toBe('annotate');
    await app.runCommand({ type: 'toggle-mode' });
    expect(app.getState().mode).toBe('annotate');
    await app.runCommand({ type: 'import' });
    expect(host.chooseFilesToImport).not.toHaveBeenCalled();
    expect(dialogs.showMessage).toHaveBeenCalledWith('import.report', ['readOnly.noImport']);
    const read = vi.fn(async () => ({ files: [] }));
    await app.dropFiles(read);
    expect(read).not.toHaveBeenCalled();
    await app.renameDocument(1);
    expect(dialogs.promptText).not.toHaveBeenCalled();
  });

  it('offers the newest backup of a damaged corpus, and opens it when the user agrees', async () => {
    const api = fakeApi();
    api.openCorpus.mockRejectedValueOnce(new ApiError('damaged', 'io', { key: 'error.damaged' }));
    api.listBackups.mockResolvedValue([
      { path: '/b/new.loupe', createdAt: '2026-12-01T00:00:00Z', size: 1 },
      { path: '/b/old.loupe', createdAt: '2026-11-01T00:00:00Z', size: 1 },
    ]);
    const { app, dialogs } = setup({ api, confirm: true });
    await app.start();
    await app.runCommand({ type: 'open-corpus' });
    expect(dialogs.confirmAction).toHaveBeenCalledTimes(1);
    expect(api.restoreBackup).toHaveBeenCalledWith({ backup: '/b/new.loupe', corpusPath: '/elsewhere/B.loupe' });
    expect(app.getState().corpus?.id).toBe('restored /b/new.loupe');
    expect(app.getState().error).toBeNull();
  });

  it('shows a refusal as it is and anything unexpected as something gone wrong', async () => {
    const api = fakeApi();
    const { app } = setup({ api });
    await app.start();
    api.openCorpus.mockRejectedValueOnce(new ApiError('That path is a folder', 'invalid-argument'));
    await app.runCommand({ type: 'open-corpus' });
    expect(app.getState().error).toBe('That path is a folder');
    api.openCorpus.mockRejectedValueOnce(new Error('disk on fire'));
    await app.runCommand({ type: 'open-corpus' });
    expect(app.getState().error).toBe('error.generic {"message":"disk on fire"}');
    expect(app.getState().corpus?.id).toBe('A');
  });

  it('follows another tab that opened another corpus instead of opening a document of the old one', async () => {
    const api = fakeApi();
    const { app } = setup({ api });
    await app.start();
    api.switchTo(corpus('Z'));
    await app.openDocument(2);
    expect(app.getState().corpus?.id).toBe('Z');
    expect(app.getState().openDoc?.id).toBe(1);
  });

  it('asks before leaving a document whose changes could not be saved, and stays when told to', async () => {
    const api = fakeApi();
    const { app, dialogs } = setup({ api });
    await app.start();
    let snapshot: Snapshot = { text: 'text 1', spans: [], links: [] };
    app.editorReady(fakeEditor(() => snapshot), opened(1));
    api.saveDocument.mockRejectedValue(new ApiError('changed elsewhere', 'conflict', { key: 'error.changedElsewhere', params: { title: 'doc 1' } }));
    snapshot = { ...snapshot, text: 'text 1 edited' };
    app.docChanged();
    expect(app.hasUnsavedChanges()).toBe(true);
    await app.openDocument(2);
    expect(dialogs.confirmAction).toHaveBeenCalledTimes(1);
    expect(app.getState().openDoc?.id).toBe(1);
    expect(app.saveStatus.get().state).toBe('error');
  });

  it('undoes in a focused field first, never in the article under an overlay, else in the article', async () => {
    const editor = fakeEditor(() => ({ text: '', spans: [], links: [] }));
    const inField = setup({ fieldFocused: true });
    inField.app.attachEditor(editor);
    await inField.app.runCommand({ type: 'undo' });
    expect(inField.undoInField).toHaveBeenCalledWith('undo');
    expect(editor.undo).not.toHaveBeenCalled();

    const { app, dialogs } = setup();
    app.attachEditor(editor);
    app.setOverlay('find');
    await app.runCommand({ type: 'undo' });
    app.setOverlay(null);
    dialogs.open = true;
    await app.runCommand({ type: 'redo' });
    expect(editor.undo).not.toHaveBeenCalled();
    expect(editor.redo).not.toHaveBeenCalled();
    dialogs.open = false;
    await app.runCommand({ type: 'undo' });
    await app.runCommand({ type: 'redo' });
    expect(editor.undo).toHaveBeenCalledTimes(1);
    expect(editor.redo).toHaveBeenCalledTimes(1);
  });

  it('uses a new export unit at once and shows the stored one when it could not be saved', async () => {
    const api = fakeApi();
    const { app } = setup({ api });
    await app.start();
    await app.runCommand({ type: 'set-export-offsets', offsets: 'utf16' });
    expect(app.getState().settings?.exportOffsets).toBe('utf16');
    api.updateSettings.mockRejectedValueOnce(new Error('read-only data folder'));
    await app.runCommand({ type: 'set-export-offsets', offsets: 'utf8' });
    expect(app.getState().settings?.exportOffsets).toBe('codepoint');
    expect(app.getState().error).toContain('read-only data folder');
  });

  it('exports the open document to the chosen path in the unit set, and says where it went', async () => {
    const { app, api, host, dialogs } = setup();
    await app.start();
    await app.runCommand({ type: 'set-export-offsets', offsets: 'utf8' });
    await app.runCommand({ type: 'export', scope: 'document', format: 'jsonl' });
    expect(host.chooseExportPath).toHaveBeenCalledWith(expect.stringContaining('document-1'), 'jsonl', 'utf8');
    expect(api.exportCorpus).toHaveBeenCalledWith(expect.objectContaining({ format: 'jsonl', documentId: 1, offsets: 'utf8', overwrite: true }));
    expect(dialogs.showMessage).toHaveBeenCalledWith('dialog.exportTitle', [expect.stringContaining('export.done')]);
    vi.mocked(host.chooseExportPath).mockResolvedValueOnce(null);
    await app.runCommand({ type: 'export', scope: 'corpus', format: 'csv' });
    expect(api.exportCorpus).toHaveBeenCalledTimes(1);
  });

  it('downloads a CSV export in the browser build as two files, spans and links', async () => {
    const { app, api, downloadExport } = setup({ web: true });
    await app.start();
    await app.runCommand({ type: 'export', scope: 'corpus', format: 'csv' });
    expect(api.exportCorpus).not.toHaveBeenCalled();
    expect(downloadExport.mock.calls.map((c) => (c as unknown as [string, { format: string }])[1].format)).toEqual(['csv', 'csv-links']);
  });

  it('asks for the annotator’s name, offering the current one; a new name opens the open document again, in that layer', async () => {
    const { app, api, dialogs } = setup();
    await app.start();
    const reads = api.getDocument.mock.calls.length;
    await app.runCommand({ type: 'set-annotator' }); // cancelled
    expect(dialogs.promptText).toHaveBeenLastCalledWith('annotator.title', 'annotator.label', 'tester');
    expect(api.updateSettings).not.toHaveBeenCalled();
    dialogs.promptText.mockResolvedValueOnce('  王芳 ');
    await app.runCommand({ type: 'set-annotator' });
    expect(api.updateSettings).toHaveBeenCalledWith({ annotator: '王芳' });
    expect(app.getState().settings?.annotator).toBe('王芳');
    expect(api.getDocument.mock.calls.length).toBe(reads + 1);
    expect(app.getState().openDoc?.id).toBe(1);
  });

  it('opens the schema editor and the backups dialog only after saving, and a new corpus drops them', async () => {
    const { app, api } = setup();
    await app.start();
    await app.runCommand({ type: 'edit-schema' });
    expect(app.getState().overlay).toBe('schema');
    await app.loadCorpus(corpus('B'));
    expect(app.getState().overlay).toBeNull();
    await app.runCommand({ type: 'restore-backup' });
    expect(app.getState().overlay).toBe('backups');
    await app.restoreBackup('/b/one.loupe');
    expect(api.restoreBackup).toHaveBeenCalledWith({ backup: '/b/one.loupe' });
    expect(app.getState().overlay).toBeNull();
  });

  it('switches the language and tells the host, so native menus follow', async () => {
    const { app, host, changeLanguage } = setup();
    await app.start();
    await app.runCommand({ type: 'set-locale', locale: 'en' });
    expect(app.getState().settings?.locale).toBe('en');
    expect(changeLanguage).toHaveBeenLastCalledWith('en');
    expect(host.setLocale).toHaveBeenLastCalledWith('en');
  });

  it('saves a status change on the editor’s revision and shows it in the list', async () => {
    const { app, api } = setup();
    await app.start();
    api.saveDocument.mockResolvedValueOnce({ revision: 5, status: 'done' });
    await app.updateDocumentInfo({ status: 'done' });
    expect(api.saveDocument).toHaveBeenCalledWith(expect.objectContaining({ id: 1, baseRevision: 1, status: 'done' }));
    expect(app.getState().openDoc).toMatchObject({ id: 1, status: 'done', revision: 5 });
    expect(app.getState().documents.find((d) => d.id === 1)?.status).toBe('done');
  });
});
