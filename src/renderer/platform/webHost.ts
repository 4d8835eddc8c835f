/**
 * HostBridge for the browser build: in-page dialogs instead of native ones, and the in-page menu
 * bar as the source of menu commands.
 */
import { IMPORT_EXTENSIONS } from '../../shared/formats';
import type { LoupeApi } from '../../shared/contract';
import type { HostBridge, MenuCommand } from '../../shared/host';
import { folderOf, resolvePath } from '../../shared/paths';
import { MAX_IMPORT_BYTES, MAX_IMPORT_MB, MAX_TEXT_FILE_BYTES, MAX_TEXT_FILE_MB } from '../../shared/limits';
import type { ImportFile, ImportSelection } from '../../shared/types';
import { withReason } from '../../shared/errors';
import i18n from '../i18n';
import { confirmAction, promptText } from '../state/dialogs';
import { markUnloading, saveBlob } from './httpApi';

type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * A picked or dropped file's bytes; one over the import limit is not read (nor sent: the bridge
 * would have to hold it whole), but reported as failed, by name, in the import report.
 */
async function importFileOf(file: File, name: string): Promise<ImportFile> {
  if (file.size > MAX_IMPORT_BYTES) return { name, data: new Uint8Array(), error: i18n.t('error.fileTooLarge', { limit: MAX_IMPORT_MB }) };
  return { name, data: new Uint8Array(await file.arrayBuffer()) };
}

/** Reads the picked or dropped files' bytes. */
export async function readFiles(files: Iterable<File>): Promise<ImportFile[]> {
  return Promise.all([...files].map((f) => importFileOf(f, f.webkitRelativePath || f.name)));
}

/** The files dropped on the window, folders read recursively (hidden entries skipped), named by their path. */
export async function readDropped(transfer: DataTransfer): Promise<ImportSelection> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return { files: await readFiles(transfer.files) };
  const out: ImportFile[] = [];
  const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));
  const childrenOf = async (dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> => {
    const reader = dir.createReader();
    const all: FileSystemEntry[] = [];
    // readEntries hands out a folder's entries in batches until it returns none.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) return all.sort((a, b) => (a.name < b.name ? -1 : 1));
      all.push(...batch);
    }
  };
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.name.startsWith('.')) return;
    if (entry.isFile) {
      const file = await fileOf(entry as FileSystemFileEntry);
      out.push(await importFileOf(file, entry.fullPath.replace(/^\//, '')));
    } else if (entry.isDirectory) {
      for (const child of await childrenOf(entry as FileSystemDirectoryEntry)) await walk(child);
    }
  };
  for (const entry of entries) await walk(entry);
  return { files: out };
}

/** The extensions File › Import offers: every format Loupe reads. */
const IMPORT_ACCEPT = `${IMPORT_EXTENSIONS.map((e) => `.${e}`).join(',')},text/plain`;

function pickFiles(accept: string, multiple: boolean, folder = false): Promise<File[] | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = multiple;
    input.accept = accept;
    input.webkitdirectory = folder;
    input.style.display = 'none';
    input.addEventListener('change', () => {
      resolve(input.files && input.files.length ? [...input.files] : null);
      input.remove();
    });
    input.addEventListener('cancel', () => {
      resolve(null);
      input.remove();
    });
    document.body.append(input);
    input.click();
  });
}

/** Reads a picked text file as UTF-8, refusing one over the size limit or one that is not UTF-8. */
async function readTextFile(file: File): Promise<{ name: string; text: string }> {
  const { name } = file;
  if (file.size > MAX_TEXT_FILE_BYTES) {
    throw withReason(new Error(`${name} is larger than ${MAX_TEXT_FILE_MB} MB`), {
      key: 'schema.fileTooLarge',
      params: { name, limit: MAX_TEXT_FILE_MB },
    });
  }
  try {
    return { name, text: new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer()) };
  } catch {
    throw withReason(new Error(`${name} is not UTF-8 text`), { key: 'schema.fileNotUtf8', params: { name } });
  }
}

/**
 * The browser's HostBridge; menu commands come from the in-page menu bar through `emit`. Paths are
 * typed into a prompt: it offers a whole path in the open corpus's folder (selected, so that typing
 * replaces it), shows the full path a relative one stands for (taken from that folder, as the server
 * takes it), and asks before a file is replaced, as a native save dialog does.
 */
export function createWebHost(t: Translate, api: LoupeApi): HostBridge & { emit(command: MenuCommand): void } {
  const listeners = new Set<(command: MenuCommand) => void>();

  /** Asks for a path, offering `name` (or the open corpus itself) in the open corpus's folder; the path as typed, or null. */
  const askPath = async (title: string, label: string, name?: string): Promise<string | null> => {
    const corpus = (await api.corpusInfo({})).path;
    const folder = folderOf(corpus);
    const hint = (value: string): string => (value.trim() ? t('dialog.pathResolved', { path: resolvePath(folder, value.trim()) }) : '');
    return promptText(title, label, name === undefined ? corpus : resolvePath(folder, name), hint);
  };

  /** Asks where to write a file; when one is there, whether to replace it. The full path, or null. */
  const askTarget = async (title: string, label: string, name: string): Promise<string | null> => {
    const typed = await askPath(title, label, name);
    if (!typed) return null;
    const target = await api.pathInfo({ path: typed });
    if (target.kind === 'file') {
      const replace = await confirmAction(t('dialog.replaceTitle'), [t('dialog.replaceQuestion', { path: target.path })], t('dialog.replace'));
      if (!replace) return null;
    }
    // A folder, a link or a device is refused by the server, which names it.
    return target.path;
  };

  /** Asks for a corpus path; the full path (a relative one taken from the open corpus's folder), or null. */
  const askCorpus = async (title: string, name?: string): Promise<string | null> => {
    const typed = await askPath(title, t('dialog.pathLabel'), name);
    return typed ? (await api.pathInfo({ path: typed })).path : null;
  };

  return {
    kind: 'web',
    chooseCorpusToOpen: () => askCorpus(t('dialog.openTitle')),
    chooseCopyToMerge: () => askCorpus(t('merge.chooseTitle')),
    chooseCorpusToCreate: () => askCorpus(t('dialog.newTitle'), 'New corpus.loupe'),
    chooseCopyPath: (defaultName) => askTarget(t('dialog.copyTitle'), t('dialog.pathLabel'), defaultName),
    chooseFilesToImport: async () => {
      const files = await pickFiles(IMPORT_ACCEPT, true);
      return files ? { files: await readFiles(files) } : null;
    },
    chooseFolderToImport: async () => {
      const files = await pickFiles('', true, true);
      return files ? { files: await readFiles(files.filter((f) => !f.webkitRelativePath.split('/').some((part) => part.startsWith('.')))) } : null;
    },
    saveTextFile: async (defaultName, content) => {
      // the browser cannot tell whether the user kept the download
      saveBlob(defaultName, new Blob([content], { type: 'application/json;charset=utf-8' }));
      return true;
    },
    openTextFile: async () => {
      const [file] = (await pickFiles('.json,application/json', false)) ?? [];
      return file ? readTextFile(file) : null;
    },
    chooseExportPath: (defaultName) => askTarget(t('dialog.exportTitle'), t('dialog.exportPathLabel'), defaultName),
    onMenuCommand(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onBeforeClose(flush, hasUnsavedChanges) {
      // A browser gives no time to await a save on unload: ask the user to stay while changes are
      // pending, and start the save on pagehide (the API client sends it with keepalive).
      window.addEventListener('beforeunload', (event) => {
        if (hasUnsavedChanges()) event.preventDefault();
      });
      window.addEventListener('pagehide', () => {
        markUnloading();
        void flush().catch(() => undefined);
      });
    },
    setLocale() {
      // The in-page menu re-renders with the UI; nothing native to update.
    },
    emit(command) {
      for (const l of listeners) l(command);
    },
  };
}
