/**
 * The main window: locked-down web preferences, remembered bounds, the renderer page, and the close
 * handshake that lets the renderer finish pending saves before the window goes away.
 */
import { BrowserWindow, dialog, ipcMain, screen, type IpcMainEvent, type WebContents } from 'electron';
import { translate } from '../../shared/i18n';
import type { Locale } from '../../shared/types';
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
  /** The language of the shell's own dialogs. */
  locale: () => Locale;
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
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
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

/**
 * Asks the renderer to flush; resolves null when it saved (or is gone), or the reason it could not:
 * its own error message, or a timeout.
 */
function requestFlush(contents: WebContents, timeoutMs: number, locale: () => Locale): Promise<string | null> {
  if (contents.isDestroyed() || contents.isCrashed()) return Promise.resolve(null);
  return new Promise((resolve) => {
    const done = (failure: string | null = null): void => {
      clearTimeout(timer);
      ipcMain.removeListener(HOST_CHANNELS.flushed, onFlushed);
      contents.removeListener('render-process-gone', gone);
      resolve(failure);
    };
    const gone = (): void => done(null);
    const onFlushed = (event: IpcMainEvent, failure: unknown): void => {
      if (event.sender === contents) done(typeof failure === 'string' ? failure : null);
    };
    const timer = setTimeout(() => done(translate(locale(), 'error.closeTimeout')), timeoutMs);
    ipcMain.on(HOST_CHANNELS.flushed, onFlushed);
    contents.once('render-process-gone', gone);
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
    void requestFlush(win.webContents, FLUSH_TIMEOUT_MS, options.locale).then(async (failure) => {
      if (failure && !win.isDestroyed()) {
        // Never drop unsaved work silently: the user decides.
        const t = (key: string): string => translate(options.locale(), key);
        const { response } = await dialog.showMessageBox(win, {
          type: 'warning',
          message: t('close.unsaved'),
          detail: failure,
          buttons: [t('close.keepOpen'), t('close.discard')],
          defaultId: 0,
          cancelId: 0,
        });
        if (response === 0) {
          flushing = false;
          return;
        }
      }
      flushed = true;
      if (!win.isDestroyed()) win.close();
    });
  });
}
