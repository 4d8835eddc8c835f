/**
 * Names and payload shapes of the IPC between the Electron shell (main) and the preload. Plain
 * constants, no schema library: the sandboxed preload bundles this file.
 */
import type { ApiMethod } from './contract';
import type { ErrorReason } from './errors';

/** The IPC channel of an API method. */
export const ipcChannel = (method: ApiMethod): string => `loupe:${method}`;

/** Host-side channels: native dialogs (invoke), menu commands and the close handshake (send). */
export const HOST_CHANNELS = {
  chooseCorpusToOpen: 'loupe:host:chooseCorpusToOpen',
  chooseCorpusToCreate: 'loupe:host:chooseCorpusToCreate',
  chooseCopyPath: 'loupe:host:chooseCopyPath',
  chooseCopyToMerge: 'loupe:host:chooseCopyToMerge',
  chooseFilesToImport: 'loupe:host:chooseFilesToImport',
  chooseFolderToImport: 'loupe:host:chooseFolderToImport',
  /** The paths of files and folders dropped on the window (an array of absolute paths). */
  droppedToImport: 'loupe:host:droppedToImport',
  chooseExportPath: 'loupe:host:chooseExportPath',
  saveTextFile: 'loupe:host:saveTextFile',
  openTextFile: 'loupe:host:openTextFile',
  setLocale: 'loupe:host:setLocale',
  /** main -> renderer: a `MenuCommand`. */
  menu: 'loupe:menu',
  /** main -> renderer: the window is closing, finish pending saves. */
  beforeClose: 'loupe:before-close',
  /** renderer -> main: pending saves are done (payload null) or failed (payload: the message). */
  flushed: 'loupe:flushed',
} as const;

/**
 * What every invoke handler in main resolves to. Errors travel as data because Electron rewrites a
 * thrown error's message ("Error invoking remote method …"); the preload rethrows the bare message.
 */
export type IpcReply<T> = { ok: true; value: T } | { ok: false; message: string; code: string; reason?: ErrorReason };
