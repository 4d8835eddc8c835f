/**
 * Loupe's Electron entry: single instance, data folder, the Node service, IPC, the window and its
 * menu. Only glue lives here; the work is done by the service (src/main/services) and the shell
 * modules next to this file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, Menu, session, type WebContents } from 'electron';
import type { ApiMethod } from '../shared/contract';
import type { MenuCommand } from '../shared/host';
import { detectLocale } from '../shared/i18n';
import { HOST_CHANNELS } from '../shared/ipcChannels';
import type { Locale } from '../shared/types';
import { cliArgsOfElectron } from './cli/electronArgs';
import { defaultDataDir } from './services/dataDir';
import { createLoupeService, type LoupeService } from './services/loupeService';
import { registerDialogHandlers } from './shell/dialogs';
import { handleTrusted, registerApiHandlers } from './shell/ipc';
import { parseLaunchArgs } from './shell/launchArgs';
import { buildAppMenu } from './shell/menu';
import {
  appUrlTest,
  contentSecurityPolicy,
  guardWebContents,
  hardenSession,
  isTrustedSender,
  type RendererSource,
} from './shell/security';
import { createMainWindow } from './shell/window';
import { WINDOW_STATE_FILE } from './shell/windowState';

const launch = parseLaunchArgs(process.argv.slice(1), process.cwd());

// The data folder (--data-dir, else LOUPE_DATA_DIR, else the per-user "Loupe" folder the CLI also
// uses) holds Chromium's profile too, and the single-instance lock lives there: a test run with a
// temp folder never meets the user's running Loupe. package.json's name is lower-case "loupe",
// which would otherwise pick a different folder than the CLI on Linux.
app.setName('Loupe');
const dataDir = launch.dataDir ?? defaultDataDir();
app.setPath('userData', dataDir);

/** The methods after which the window title or the menus may show something new. */
const SHELL_STATE_METHODS: ReadonlySet<ApiMethod> = new Set(['openCorpus', 'createCorpus', 'updateSettings']);

/** The menu language when the renderer has not told us yet and no choice is saved. */
function systemLocale(): Locale {
  return detectLocale([...app.getPreferredSystemLanguages(), app.getLocale()]);
}

function rendererSource(): RendererSource {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && devUrl) return { kind: 'dev', url: devUrl, nonce: process.env.LOUPE_DEV_CSP_NONCE };
  return { kind: 'file', indexHtml: path.join(__dirname, '../renderer/index.html') };
}

function start(): void {
  const renderer = rendererSource();
  const isAppUrl = appUrlTest(renderer);
  const windows = new Set<WebContents>();
  const isTrusted = (event: Parameters<typeof isTrustedSender>[0]): boolean =>
    isTrustedSender(event, isAppUrl, (contents) => windows.has(contents));

  let service: LoupeService | undefined;
  let mainWindow: BrowserWindow | null = null;
  let quitting = false;
  /** The locale the renderer reported; it wins over the saved setting once known. */
  let uiLocale: Locale | null = null;

  /** The language of menus and dialogs, as of the last refresh (the system's is known once ready). */
  let shellLocale: Locale = 'en';

  const send = (command: MenuCommand): void => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(HOST_CHANNELS.menu, command);
  };

  /** Brings the title and the menus in line with the service (corpus name, recent list, locale). */
  const refreshShell = async (): Promise<void> => {
    if (!service) return;
    try {
      const [info, settings] = await Promise.all([service.corpusInfo({}), service.getSettings({})]);
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.setTitle(`Loupe — ${info.name}`);
      shellLocale = uiLocale ?? settings.locale ?? systemLocale();
      Menu.setApplicationMenu(
        buildAppMenu({
          locale: shellLocale,
          localeSetting: settings.locale,
          recentCorpora: settings.recentCorpora,
          exportOffsets: settings.exportOffsets,
          isPackaged: app.isPackaged,
          platform: process.platform,
          send,
        }),
      );
    } catch (error) {
      console.error('[loupe] could not refresh the window title and menus:', error);
    }
  };

  /** Opens a corpus handed over by the OS (file association, second instance). */
  const openFromOs = async (file: string): Promise<void> => {
    const live = mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
    if (live && !live.webContents.isLoading()) {
      // the renderer owns pending saves, so it does the switch like any "open recent"
      send({ type: 'open-recent', path: file });
      return;
    }
    if (!service) return;
    try {
      await service.openCorpus({ path: file });
    } catch (error) {
      dialog.showErrorBox('Loupe', `Loupe could not open ${file}:\n${messageOf(error)}`);
    }
    // a page still loading may have read the previous corpus: load it again
    if (live) live.webContents.reload();
    else createWindow('Loupe');
    await refreshShell();
  };

  function createWindow(title: string): void {
    mainWindow = createMainWindow({
      preload: path.join(__dirname, '../preload/index.js'),
      renderer,
      stateFile: path.join(dataDir, WINDOW_STATE_FILE),
      title,
      icon: path.join(__dirname, '../../resources/icon.png'),
      locale: () => shellLocale,
    });
    const contents = mainWindow.webContents;
    windows.add(contents);
    contents.once('destroyed', () => windows.delete(contents));
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  }

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, isAppUrl));

  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.show();
      mainWindow.focus();
    }
    const fromData = (additionalData as { corpusPath?: unknown } | null)?.corpusPath;
    const corpus = typeof fromData === 'string' ? fromData : parseLaunchArgs(argv.slice(1), workingDirectory).corpusPath;
    if (corpus) void openFromOs(corpus);
  });

  // macOS hands over double-clicked .loupe files this way, possibly before 'ready'
  app.on('open-file', (event, file) => {
    event.preventDefault();
    if (service) void openFromOs(file);
    else launch.corpusPath = file;
  });

  app.on('before-quit', () => {
    quitting = true;
  });

  app.on('window-all-closed', () => {
    if (quitting || process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', () => {
    try {
      service?.close();
    } catch (error) {
      console.error('[loupe] closing the corpus failed:', error);
    }
    service = undefined;
  });

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession, isAppUrl, contentSecurityPolicy(renderer));

    try {
      fs.mkdirSync(dataDir, { recursive: true });
      service = openService(dataDir, launch.corpusPath);
    } catch (error) {
      dialog.showErrorBox('Loupe', `Loupe could not open its data folder ${dataDir}:\n${messageOf(error)}`);
      app.exit(1);
      return;
    }
    const api = service;

    registerApiHandlers(api, isTrusted, (method) => {
      if (SHELL_STATE_METHODS.has(method)) void refreshShell();
    });
    registerDialogHandlers(isTrusted, () => shellLocale);
    handleTrusted(HOST_CHANNELS.setLocale, isTrusted, (_event, locale) => {
      if (locale !== 'en' && locale !== 'zh-CN') return;
      uiLocale = locale;
      void refreshShell();
    });

    createWindow('Loupe');
    await refreshShell();

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) {
        createWindow('Loupe');
        void refreshShell();
      }
    });
  });
}

/** Opens the service on the requested corpus, falling back to the default corpus if that fails. */
function openService(dataDir: string, corpusPath: string | undefined): LoupeService {
  if (!corpusPath) return createLoupeService({ dataDir });
  try {
    return createLoupeService({ dataDir, corpusPath });
  } catch (error) {
    dialog.showErrorBox('Loupe', `Loupe could not open ${corpusPath}:\n${messageOf(error)}`);
    return createLoupeService({ dataDir });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// `Loupe import …` (or /usr/bin/loupe from the deb): the installed app is the `loupe` command too.
// It runs without a window and without the single-instance lock, so it works beside an open Loupe.
const cliArgs = cliArgsOfElectron(process.argv, process.defaultApp === true);
if (cliArgs) {
  void import('./cli').then((cli) => cli.runCliThenExit(cliArgs, (code) => app.exit(code)));
} else {
  app.enableSandbox();
  if (!app.requestSingleInstanceLock({ corpusPath: launch.corpusPath ?? null })) {
    app.quit();
  } else {
    start();
  }
}
