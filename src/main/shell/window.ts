/**
 * The main window: locked-down web preferences, remembered bounds, the renderer page, and the close
 * handshake that lets the renderer finish pending saves before the window goes away.
 */
import { BrowserWindow, ipcMain, screen, type IpcMainEvent, type WebContents } from 'electron';
import { HOST_CHANNELS } from '../../shared/ipcChannels';
import type { RendererSource } from './security';
import { fitToDisplays, MIN_WINDOW_SIZE, readWindowState, writeWindowState, type WindowState } from './windowState';

/** How long the renderer gets to flush its saves when the window closes. */
export const FLUSH_TIMEOUT_MS = 3000;

export interface MainWindowOptions {
  preload: string;
  renderer: RendererSource;
  /** Where the window's bounds are remembered. */
  stateFile: string;
  title: string;
  /** The window icon (Windows, Linux); macOS takes the bundle's. */
  icon?: string;
  /** Called once the renderer flushed and the window is about to be destroyed. */
  onClosing?: () => void;
}

/** Creates, shows (when ready) and loads the main window. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = fitToDisplays(
    readWindowState(options.stateFile),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : { center: true }),
    width: saved.width,
    height: saved.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: options.title,
    show: false,
    backgroundColor: '#ffffff',
    ...(options.icon && process.platform !== 'darwin' ? { icon: options.icon } : {}),
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  });

  // the shell owns the title ("Loupe — corpus"); the page's <title> must not replace it
  win.on('page-title-updated', (event) => event.preventDefault());
  win.once('ready-to-show', () => {
    if (saved.maximized) win.maximize();
    win.show();
  });

  guardClose(win, options);

  if (options.renderer.kind === 'dev') void win.loadURL(options.renderer.url);
  else void win.loadFile(options.renderer.indexHtml);
  return win;
}

/** Asks the renderer to flush and resolves when it says so, when it is gone, or after the timeout. */
function requestFlush(contents: WebContents, timeoutMs: number): Promise<void> {
  if (contents.isDestroyed() || contents.isCrashed()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      ipcMain.removeListener(HOST_CHANNELS.flushed, onFlushed);
      contents.removeListener('render-process-gone', done);
      resolve();
    };
    const onFlushed = (event: IpcMainEvent): void => {
      if (event.sender === contents) done();
    };
    const timer = setTimeout(() => {
      console.warn('[loupe] the window did not confirm its saves in time; closing anyway');
      done();
    }, timeoutMs);
    ipcMain.on(HOST_CHANNELS.flushed, onFlushed);
    contents.once('render-process-gone', done);
    contents.send(HOST_CHANNELS.beforeClose);
  });
}

/** Holds the first close until the renderer flushed, remembers the bounds, then lets it close. */
function guardClose(win: BrowserWindow, options: MainWindowOptions): void {
  let flushed = false;
  let flushing = false;
  win.on('close', (event) => {
    if (flushed) {
      const bounds = win.getNormalBounds();
      const state: WindowState = { ...bounds, maximized: win.isMaximized() };
      try {
        writeWindowState(options.stateFile, state);
      } catch (error) {
        console.warn('[loupe] could not remember the window bounds:', error);
      }
      options.onClosing?.();
      return;
    }
    event.preventDefault();
    if (flushing) return;
    flushing = true;
    void requestFlush(win.webContents, FLUSH_TIMEOUT_MS).then(() => {
      flushed = true;
      if (!win.isDestroyed()) win.close();
    });
  });
}
