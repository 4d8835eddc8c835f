/**
 * HostBridge for the browser build: in-page dialogs instead of native ones, and the in-page menu
 * bar as the source of menu commands.
 */
import type { HostBridge, MenuCommand } from '../../shared/host';
import { MAX_TEXT_FILE_BYTES, MAX_TEXT_FILE_MB } from '../../shared/limits';
import type { ImportFile } from '../../shared/types';
import { withReason } from '../../shared/errors';
import { promptText } from '../state/dialogs';
import { markUnloading, saveBlob } from './httpApi';

type Translate = (key: string) => string;

/** Reads the picked or dropped files' bytes. */
export async function readFiles(files: Iterable<File>): Promise<ImportFile[]> {
  return Promise.all(
    [...files].map(async (f) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) })),
  );
}

function pickFiles(accept: string, multiple: boolean): Promise<File[] | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = multiple;
    input.accept = accept;
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

/** The browser's HostBridge; menu commands come from the in-page menu bar through `emit`. */
export function createWebHost(t: Translate): HostBridge & { emit(command: MenuCommand): void } {
  const listeners = new Set<(command: MenuCommand) => void>();
  return {
    kind: 'web',
    chooseCorpusToOpen: () => promptText(t('dialog.openTitle'), t('dialog.pathLabel')),
    chooseCorpusToCreate: () => promptText(t('dialog.newTitle'), t('dialog.pathLabel'), 'corpus.loupe'),
    chooseFilesToImport: async () => {
      const files = await pickFiles('.txt,.text,.md,text/plain', true);
      return files ? readFiles(files) : null;
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
    chooseExportPath: (defaultName) => promptText(t('dialog.exportTitle'), t('dialog.exportPathLabel'), defaultName),
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
