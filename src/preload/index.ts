/**
 * The preload: exposes the API contract and the host bridge to the page as `window.loupe`, over IPC.
 * Runs sandboxed, so it imports nothing at runtime but 'electron' and the plain constants of
 * src/shared (bundled); no logic beyond forwarding.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { API_METHOD_NAMES } from '../shared/apiMethods';
import type { ApiArgs, ApiMethod, ApiResult, LoupeApi } from '../shared/contract';
import { PRELOAD_GLOBAL, type HostBridge, type MenuCommand } from '../shared/host';
import { withReason } from '../shared/errors';
import { HOST_CHANNELS, ipcChannel, type IpcReply } from '../shared/ipcChannels';

/** Invokes a channel and unwraps the reply, rethrowing the shell's message without Electron's prefix. */
async function invoke<T>(channel: string, ...args: unknown[]): Promise<T> {
  const reply = (await ipcRenderer.invoke(channel, ...args)) as IpcReply<T>;
  if (reply.ok) return reply.value;
  const error = new Error(reply.message);
  error.name = reply.code === 'internal' ? 'Error' : 'ApiError';
  throw withReason(error, reply.reason, reply.code);
}

type Invokers = { [K in ApiMethod]: (args: ApiArgs<K>) => Promise<ApiResult<K>> };

const api = Object.fromEntries(
  API_METHOD_NAMES.map((method) => [method, (args: unknown) => invoke(ipcChannel(method), args)]),
) as Invokers satisfies LoupeApi;

let flush: (() => Promise<void>) | null = null;

ipcRenderer.on(HOST_CHANNELS.beforeClose, () => {
  const work = flush ? Promise.resolve().then(flush) : Promise.resolve();
  void work.then(
    () => ipcRenderer.send(HOST_CHANNELS.flushed, null),
    (error: unknown) => ipcRenderer.send(HOST_CHANNELS.flushed, error instanceof Error ? error.message : String(error)),
  );
});

const host = {
  kind: 'electron',
  chooseCorpusToOpen: () => invoke(HOST_CHANNELS.chooseCorpusToOpen),
  chooseCorpusToCreate: () => invoke(HOST_CHANNELS.chooseCorpusToCreate),
  chooseCopyPath: (defaultName) => invoke(HOST_CHANNELS.chooseCopyPath, defaultName),
  chooseCopyToMerge: () => invoke(HOST_CHANNELS.chooseCopyToMerge),
  chooseFilesToImport: () => invoke(HOST_CHANNELS.chooseFilesToImport),
  chooseFolderToImport: () => invoke(HOST_CHANNELS.chooseFolderToImport),
  // A dropped file's path is known only here (webUtils); the page gets the selection, not the paths' source.
  // One not on this computer (dragged out of another program) has no path: null, and the page reads them.
  importDropped: async (files) => {
    const paths = files.map((file) => webUtils.getPathForFile(file as File));
    return paths.length > 0 && paths.every((p) => p !== '') ? invoke(HOST_CHANNELS.droppedToImport, paths) : null;
  },
  chooseExportPath: (defaultName, format, offsets) =>
    invoke(HOST_CHANNELS.chooseExportPath, defaultName, format, offsets),
  saveTextFile: (defaultName, content) => invoke(HOST_CHANNELS.saveTextFile, defaultName, content),
  openTextFile: () => invoke(HOST_CHANNELS.openTextFile),
  onMenuCommand(listener) {
    const forward = (_event: IpcRendererEvent, command: MenuCommand): void => listener(command);
    ipcRenderer.on(HOST_CHANNELS.menu, forward);
    return () => {
      ipcRenderer.removeListener(HOST_CHANNELS.menu, forward);
    };
  },
  onBeforeClose(work) {
    // one owner: a later registration (a remounted component) replaces the earlier one
    flush = work;
  },
  setLocale(locale) {
    void invoke(HOST_CHANNELS.setLocale, locale).catch(() => {});
  },
} satisfies HostBridge;

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, { api, host });
