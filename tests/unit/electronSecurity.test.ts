/**
 * The Electron shell's security settings, each checked so that a regression fails here: window
 * web preferences, session hardening, navigation / popup / webview guards, the entry's glue
 * (sandbox, guards on every web contents, IPC from strangers), the IPC handlers, what the preload
 * exposes, the CSP, and the renderer loading nothing remote. 'electron' is a fake (no binary here).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, IpcMainInvokeEvent, Session, WebContents } from 'electron';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, type ApiMethod, type LoupeApi } from '../../src/shared/contract';
import { cspDirectives } from '../../src/shared/csp';
import { PRELOAD_GLOBAL, type HostBridge } from '../../src/shared/host';
import { HOST_CHANNELS, ipcChannel, type IpcReply } from '../../src/shared/ipcChannels';
import { registerDialogHandlers } from '../../src/main/shell/dialogs';
import { registerApiHandlers } from '../../src/main/shell/ipc';
import { appUrlTest, contentSecurityPolicy, guardWebContents, hardenSession } from '../../src/main/shell/security';
import { createMainWindow } from '../../src/main/shell/window';

type Fn = (...args: never[]) => unknown;

const fake = vi.hoisted(() => {
  type Listener = (...args: never[]) => unknown;
  class Emitter {
    readonly listeners = new Map<string, Listener[]>();
    on(name: string, listener: Listener): this {
      const list = this.listeners.get(name) ?? [];
      list.push(listener);
      this.listeners.set(name, list);
      return this;
    }
    once(name: string, listener: Listener): this {
      return this.on(name, listener);
    }
    removeListener(name: string, listener: Listener): this {
      this.listeners.set(name, (this.listeners.get(name) ?? []).filter((l) => l !== listener));
      return this;
    }
    emit(name: string, ...args: unknown[]): void {
      for (const listener of [...(this.listeners.get(name) ?? [])]) (listener as (...a: unknown[]) => unknown)(...args);
    }
  }
  class FakeWebContents extends Emitter {
    windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
    setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
      this.windowOpenHandler = handler;
    }
    send = vi.fn();
    reload = vi.fn();
    isDestroyed = (): boolean => false;
    isCrashed = (): boolean => false;
    isLoading = (): boolean => false;
  }
  class FakeBrowserWindow extends Emitter {
    static readonly created: FakeBrowserWindow[] = [];
    static getAllWindows(): FakeBrowserWindow[] {
      return FakeBrowserWindow.created;
    }
    static fromWebContents(): null {
      return null;
    }
    readonly webContents = new FakeWebContents();
    readonly loadFile = vi.fn(async (_file: string) => {});
    readonly loadURL = vi.fn(async (_url: string) => {});
    readonly setTitle = vi.fn();
    constructor(readonly options: unknown) {
      super();
      FakeBrowserWindow.created.push(this);
    }
    isDestroyed = (): boolean => false;
    isMinimized = (): boolean => false;
    isMaximized = (): boolean => false;
    show(): void {}
    focus(): void {}
    maximize(): void {}
    restore(): void {}
    close(): void {}
  }
  /** Electron refuses a second handler on a channel; so does the fake. */
  const handlers = new Map<string, Listener>();
  const ipcMain = Object.assign(new Emitter(), {
    handle: vi.fn((channel: string, listener: Listener) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    }),
    removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
  });
  const ipcRenderer = Object.assign(new Emitter(), {
    invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null })),
    send: vi.fn(),
  });
  const exposed = new Map<string, unknown>();
  const contextBridge = { exposeInMainWorld: vi.fn((key: string, value: unknown) => exposed.set(key, value)) };
  const defaultSession = {
    headersListener: null as Listener | null,
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    webRequest: {
      onHeadersReceived(listener: Listener): void {
        defaultSession.headersListener = listener;
      },
    },
    setPermissionRequestHandler(handler: Listener): void {
      defaultSession.permissionRequest = handler;
    },
    setPermissionCheckHandler(handler: Listener): void {
      defaultSession.permissionCheck = handler;
    },
  };
  let ready: () => void = () => {};
  let readyPromise = new Promise<void>((resolve) => (ready = resolve));
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => readyPromise),
    setName: vi.fn(),
    setPath: vi.fn(),
    getPath: vi.fn(() => '/tmp'),
    getLocale: () => 'en-US',
    getPreferredSystemLanguages: () => ['en-US'],
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const dialog = {
    showErrorBox: vi.fn(),
    showMessageBox: vi.fn(async () => ({ response: 0 })),
    showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })),
    showSaveDialog: vi.fn(async () => ({ canceled: true })),
  };
  // a dropped File's path, as Electron gives it to the preload: here the File's name is its path
  const webUtils = { getPathForFile: vi.fn((file: { name: string }) => file.name) };
  const Menu = { buildFromTemplate: vi.fn(() => ({})), setApplicationMenu: vi.fn() };
  const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    contextBridge,
    dialog,
    ipcMain,
    ipcRenderer,
    Menu,
    screen,
    session: { defaultSession },
    webUtils,
  };
  /** Forgets everything recorded, keeping the objects the modules under test hold. */
  function reset(): void {
    for (const emitter of [app, ipcMain, ipcRenderer]) emitter.listeners.clear();
    handlers.clear();
    exposed.clear();
    FakeBrowserWindow.created.length = 0;
    defaultSession.headersListener = defaultSession.permissionRequest = defaultSession.permissionCheck = null;
    readyPromise = new Promise<void>((resolve) => (ready = resolve));
    vi.clearAllMocks();
  }
  return { module, handlers, exposed, reset, ready: () => ready(), FakeWebContents, FakeBrowserWindow };
});

vi.mock('electron', () => fake.module);

/** The service the entry opens: every method a spy. */
type Spies = Record<ApiMethod | 'close', ReturnType<typeof vi.fn>>;
const service = vi.hoisted(() => ({ current: null as Spies | null }));
vi.mock('../../src/main/services/loupeService', () => ({
  createLoupeService: () => service.current,
}));

/** A service whose every method is a spy answering something harmless. */
function spyService(): Spies {
  const spies: Partial<Spies> = {
    corpusInfo: vi.fn(async () => ({ name: 'Test' })),
    getSettings: vi.fn(async () => ({ locale: null, recentCorpora: [], exportOffsets: 'codepoint', annotator: 'tester', annotatorChosen: true })),
    close: vi.fn(),
  };
  for (const method of API_METHODS) spies[method] ??= vi.fn(async () => []);
  return spies as Spies;
}

const asService = (spies: Spies): LoupeApi => spies as unknown as LoupeApi;

const installDir = path.resolve('/opt/Loupe/resources/app.asar/out/renderer');
const built = { kind: 'file', indexHtml: path.join(installDir, 'index.html') } as const;
const ourPage = pathToFileURL(built.indexHtml).href;

/** What a listener's `event` needs for these handlers. */
const navEvent = (url: string) => ({ url, preventDefault: vi.fn() });

/** An invoke event from a frame at `url`; `main` false makes it an iframe. */
function invokeEvent(url: string, sender: unknown = {}, main = true): IpcMainInvokeEvent {
  return { sender, senderFrame: { url, parent: main ? null : {} } } as unknown as IpcMainInvokeEvent;
}

async function invokeChannel(channel: string, event: IpcMainInvokeEvent, ...args: unknown[]): Promise<IpcReply<unknown>> {
  const handler = fake.handlers.get(channel) as ((e: IpcMainInvokeEvent, ...a: unknown[]) => Promise<IpcReply<unknown>>) | undefined;
  if (!handler) throw new Error(`no handler on ${channel}`);
  return handler(event, ...args);
}

beforeEach(() => {
  fake.reset();
  service.current = spyService();
});

describe('createMainWindow', () => {
  const options = (renderer: Parameters<typeof createMainWindow>[0]['renderer']) => ({
    preload: '/app/out/preload/index.js',
    renderer,
    stateFile: path.join(os.tmpdir(), 'loupe-no-such-dir', 'window-state.json'),
    title: 'Loupe',
    locale: () => 'en' as const,
  });

  it('locks the web preferences down', () => {
    createMainWindow(options(built));
    const [win] = fake.FakeBrowserWindow.created;
    const prefs = (win!.options as BrowserWindowConstructorOptions).webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
    // no option that switches something back on
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('loads the built page from disk and nothing else', () => {
    createMainWindow(options(built));
    const [win] = fake.FakeBrowserWindow.created;
    expect(win!.loadFile.mock.calls).toEqual([[built.indexHtml]]);
    expect(win!.loadURL).not.toHaveBeenCalled();
  });

  it('loads the dev server only when given one', () => {
    createMainWindow(options({ kind: 'dev', url: 'http://localhost:5173/' }));
    const [win] = fake.FakeBrowserWindow.created;
    expect(win!.loadURL.mock.calls).toEqual([['http://localhost:5173/']]);
    expect(win!.loadFile).not.toHaveBeenCalled();
  });
});

describe('hardenSession', () => {
  const csp = contentSecurityPolicy(built);
  const harden = () => {
    const session = fake.module.session.defaultSession;
    hardenSession(session as unknown as Session, appUrlTest(built), csp);
    return session;
  };

  it('refuses every permission request and check', () => {
    const session = harden();
    const permissions = [
      'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'fullscreen', 'geolocation', 'hid',
      'idle-detection', 'keyboardLock', 'media', 'mediaKeySystem', 'midi', 'midiSysex', 'notifications',
      'openExternal', 'pointerLock', 'serial', 'speaker-selection', 'storage-access', 'usb', 'window-management',
      'fileSystem', 'unknown',
    ];
    for (const permission of permissions) {
      const callback = vi.fn();
      (session.permissionRequest as unknown as (...a: unknown[]) => void)({}, permission, callback, { requestingUrl: ourPage });
      expect(callback.mock.calls, permission).toEqual([[false]]);
      const allowed = (session.permissionCheck as unknown as (...a: unknown[]) => unknown)({}, permission, ourPage, {});
      expect(allowed, permission).toBe(false);
    }
  });

  it('puts our CSP on our pages in place of any other, and leaves foreign responses alone', () => {
    const session = harden();
    const listener = session.headersListener as unknown as (details: unknown, callback: (r: unknown) => void) => void;
    const ours = vi.fn();
    listener(
      { url: ourPage, responseHeaders: { 'content-security-policy': ["default-src *"], 'CONTENT-SECURITY-POLICY': ['x'], 'x-other': ['1'] } },
      ours,
    );
    const headers = (ours.mock.calls[0]![0] as { responseHeaders: Record<string, string[]> }).responseHeaders;
    const csps = Object.entries(headers).filter(([name]) => name.toLowerCase() === 'content-security-policy');
    expect(csps).toEqual([['Content-Security-Policy', [csp]]]);
    expect(headers['x-other']).toEqual(['1']);

    const foreign = vi.fn();
    listener({ url: 'https://example.org/', responseHeaders: {} }, foreign);
    expect(foreign.mock.calls).toEqual([[{}]]);
  });
});

describe('guardWebContents', () => {
  const guarded = () => {
    const contents = new fake.FakeWebContents();
    guardWebContents(contents as unknown as WebContents, appUrlTest(built));
    return contents;
  };
  const foreign = ['https://evil.example/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'about:blank'];

  for (const event of ['will-navigate', 'will-redirect'] as const) {
    it(`${event}: refuses foreign URLs, allows our own page`, () => {
      const contents = guarded();
      for (const url of foreign) {
        const e = navEvent(url);
        contents.emit(event, e, url);
        expect(e.preventDefault, url).toHaveBeenCalled();
      }
      const own = navEvent(`${ourPage}#/doc/2`);
      contents.emit(event, own, own.url);
      expect(own.preventDefault).not.toHaveBeenCalled();
    });
  }

  it('denies every new window, our own page included', () => {
    const contents = guarded();
    for (const url of [...foreign, ourPage]) expect(contents.windowOpenHandler?.({ url }), url).toEqual({ action: 'deny' });
  });

  it('refuses to attach a webview', () => {
    const contents = guarded();
    const e = navEvent('');
    contents.emit('will-attach-webview', e, {}, {});
    expect(e.preventDefault).toHaveBeenCalled();
  });
});

describe('registerApiHandlers', () => {
  it('registers exactly the contract, one channel per method', () => {
    registerApiHandlers(asService(service.current!), () => true);
    expect([...fake.handlers.keys()].sort()).toEqual(API_METHODS.map(ipcChannel).sort());
  });

  it('answers a stranger with an error and never calls the service', async () => {
    registerApiHandlers(asService(service.current!), () => false);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const method of API_METHODS) {
      const reply = await invokeChannel(ipcChannel(method), invokeEvent('https://evil.example/'), {});
      expect(reply, method).toMatchObject({ ok: false, code: 'invalid-argument' });
      expect(service.current![method], method).not.toHaveBeenCalled();
    }
    warn.mockRestore();
  });

  it('validates the argument before the service sees it', async () => {
    registerApiHandlers(asService(service.current!), () => true);
    const event = invokeEvent(ourPage);
    for (const bad of [{ id: -1 }, { id: '3' }, { id: 3, extra: true }, 'x', [3]]) {
      const reply = await invokeChannel(ipcChannel('getDocument'), event, bad);
      expect(reply, JSON.stringify(bad)).toMatchObject({ ok: false, code: 'invalid-argument' });
    }
    expect(service.current!.getDocument).not.toHaveBeenCalled();
    const ok = await invokeChannel(ipcChannel('getDocument'), event, { id: 3 });
    expect(ok.ok).toBe(true);
    expect(service.current!.getDocument.mock.calls).toEqual([[{ id: 3 }]]);
  });
});

describe('registerDialogHandlers', () => {
  it('shows no dialog to a stranger', async () => {
    registerDialogHandlers(() => false, () => 'en');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const invokeChannels = Object.values(HOST_CHANNELS).filter((c) => fake.handlers.has(c));
    expect(invokeChannels.length).toBeGreaterThanOrEqual(7);
    for (const channel of invokeChannels) {
      const reply = await invokeChannel(channel, invokeEvent('https://evil.example/'), 'a.json', 'jsonl', 'codepoint');
      expect(reply, channel).toMatchObject({ ok: false, code: 'invalid-argument' });
    }
    expect(fake.module.dialog.showOpenDialog).not.toHaveBeenCalled();
    expect(fake.module.dialog.showSaveDialog).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

describe('the preload', () => {
  /** HostBridge's members, checked against the interface at compile time. */
  const HOST_MEMBERS = [
    'kind',
    'chooseCorpusToOpen',
    'chooseCorpusToCreate',
    'chooseCopyPath',
    'chooseCopyToMerge',
    'chooseFilesToImport',
    'chooseFolderToImport',
    'importDropped',
    'chooseExportPath',
    'saveTextFile',
    'openTextFile',
    'onMenuCommand',
    'onBeforeClose',
    'setLocale',
  ] as const satisfies readonly (keyof HostBridge)[];
  type Assert<T extends true> = T;
  type _HostMembersComplete = Assert<Exclude<keyof HostBridge, (typeof HOST_MEMBERS)[number]> extends never ? true : false>;

  const loadPreload = async () => {
    vi.resetModules();
    await import('../../src/preload/index');
    return fake.exposed.get(PRELOAD_GLOBAL) as { api: Record<string, Fn>; host: Record<string, unknown> };
  };

  it('exposes one global holding the contract and the host bridge, nothing more', async () => {
    const exposed = await loadPreload();
    expect(fake.module.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect([...fake.exposed.keys()]).toEqual([PRELOAD_GLOBAL]);
    expect(Object.keys(exposed).sort()).toEqual(['api', 'host']);
    expect(Object.keys(exposed.api).sort()).toEqual([...API_METHODS].sort());
    expect(Object.keys(exposed.host).sort()).toEqual([...HOST_MEMBERS].sort());
  });

  it('passes nothing of ipcRenderer through', async () => {
    const exposed = await loadPreload();
    const ipc = fake.module.ipcRenderer as unknown as Record<string, unknown>;
    const ipcFunctions = new Set<unknown>(Object.values(ipc).filter((v) => typeof v === 'function'));
    for (const [name, value] of [...Object.entries(exposed.api), ...Object.entries(exposed.host)]) {
      expect(value === ipc || ipcFunctions.has(value), name).toBe(false);
      expect(typeof value === 'function' || value === 'electron', name).toBe(true);
    }
    // each API method reaches its own channel only, whatever it is given
    for (const method of API_METHODS) {
      fake.module.ipcRenderer.invoke.mockClear();
      await exposed.api[method]!({ channel: 'loupe:host:saveTextFile' } as never);
      expect(fake.module.ipcRenderer.invoke.mock.calls.map((c) => c[0]), method).toEqual([ipcChannel(method)]);
    }
  });

  it('sends the paths of dropped files to their own channel, and leaves files with no path to the page', async () => {
    const exposed = await loadPreload();
    const importDropped = exposed.host.importDropped as NonNullable<HostBridge['importDropped']>;
    const invoke = fake.module.ipcRenderer.invoke;
    invoke.mockClear();
    invoke.mockResolvedValueOnce({ ok: true, value: { paths: [{ path: '/news/a.txt', name: 'a.txt' }] } });
    expect(await importDropped([{ name: '/news/a.txt' }, { name: '/news/more' }])).toEqual({ paths: [{ path: '/news/a.txt', name: 'a.txt' }] });
    expect(invoke.mock.calls).toEqual([[HOST_CHANNELS.droppedToImport, ['/news/a.txt', '/news/more']]]);
    invoke.mockClear();
    // dragged out of another program: not a file on disk, so getPathForFile gives ''
    expect(await importDropped([{ name: '/news/a.txt' }, { name: '' }])).toBeNull();
    expect(invoke).not.toHaveBeenCalled();
  });

  it('hands a menu listener the command, never the IPC event', async () => {
    const exposed = await loadPreload();
    const listener = vi.fn();
    const off = (exposed.host.onMenuCommand as HostBridge['onMenuCommand'])(listener);
    const event = { sender: fake.module.ipcRenderer, ports: [] };
    fake.module.ipcRenderer.emit(HOST_CHANNELS.menu, event, { type: 'save' });
    expect(listener.mock.calls).toEqual([[{ type: 'save' }]]);
    off();
    fake.module.ipcRenderer.emit(HOST_CHANNELS.menu, event, { type: 'save' });
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe('the Electron entry (src/main/index.ts)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-entry-'));
  const argv = process.argv;
  const rendererUrl = process.env.ELECTRON_RENDERER_URL;
  afterAll(() => {
    process.argv = argv;
    if (rendererUrl !== undefined) process.env.ELECTRON_RENDERER_URL = rendererUrl;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const loadEntry = async () => {
    vi.resetModules();
    process.argv = [argv[0]!, 'out/main/index.js', `--data-dir=${dataDir}`];
    delete process.env.ELECTRON_RENDERER_URL;
    await import('../../src/main/index');
  };
  const until = async (done: () => boolean): Promise<void> => {
    // generous: the machine may be busy; a pass takes a few milliseconds
    for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(done()).toBe(true);
  };

  it('turns the sandbox on for every renderer before anything else', async () => {
    await loadEntry();
    const { app } = fake.module;
    expect(app.enableSandbox).toHaveBeenCalledTimes(1);
    expect(app.enableSandbox.mock.invocationCallOrder[0]!).toBeLessThan(app.requestSingleInstanceLock.mock.invocationCallOrder[0]!);
    expect(app.enableSandbox.mock.invocationCallOrder[0]!).toBeLessThan(app.whenReady.mock.invocationCallOrder[0]!);
  });

  it('guards every web contents that gets created', async () => {
    await loadEntry();
    const contents = new fake.FakeWebContents();
    fake.module.app.emit('web-contents-created', {}, contents);
    const e = navEvent('https://evil.example/');
    contents.emit('will-navigate', e, e.url);
    expect(e.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const webview = navEvent('');
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('once ready: hardens the session, serves IPC to its own window only', async () => {
    await loadEntry();
    fake.ready();
    await until(() => fake.FakeBrowserWindow.created.length === 1 && fake.module.Menu.setApplicationMenu.mock.calls.length > 0);
    const session = fake.module.session.defaultSession;
    expect(session.headersListener).not.toBeNull();
    const callback = vi.fn();
    (session.permissionRequest as unknown as (...a: unknown[]) => void)({}, 'media', callback);
    expect(callback.mock.calls).toEqual([[false]]);

    const [win] = fake.FakeBrowserWindow.created;
    const page = pathToFileURL(win!.loadFile.mock.calls[0]![0]).href;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const channel = ipcChannel('listDocuments');
    // another web contents (a second window nobody asked for), an iframe, a foreign page
    for (const event of [
      invokeEvent(page, new fake.FakeWebContents()),
      invokeEvent(page, win!.webContents, false),
      invokeEvent('https://evil.example/', win!.webContents),
    ]) {
      expect(await invokeChannel(channel, event, {})).toMatchObject({ ok: false, code: 'invalid-argument' });
    }
    expect(service.current!.listDocuments).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(await invokeChannel(channel, invokeEvent(page, win!.webContents), {})).toEqual({ ok: true, value: [] });
    expect(service.current!.listDocuments).toHaveBeenCalledTimes(1);

    fake.module.app.emit('will-quit');
    expect(service.current!.close).toHaveBeenCalled();
  });
});

describe('Content-Security-Policy', () => {
  const parse = (policy: string): Map<string, string[]> =>
    new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...sources]) => [name, sources]));
  const metaOf = (html: string) => /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1] ?? '';
  const policies = {
    'shared header': cspDirectives().join('; '),
    'shell header (built app)': contentSecurityPolicy(built),
    'index.html meta': metaOf(fs.readFileSync(path.resolve(__dirname, '../../src/renderer/index.html'), 'utf8')),
  };

  for (const [name, policy] of Object.entries(policies)) {
    it(`${name}: no inline code, no eval, no remote source`, () => {
      const directives = parse(policy);
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      for (const [directive, sources] of directives) {
        for (const source of sources) {
          expect(source, `${directive} ${source}`).not.toMatch(/unsafe|^\*|^https?:|^wss?:|^\w[\w.-]*\.\w+/);
        }
        // data: and blob: only for images and fonts, never for code, styles or connections
        if (!['img-src', 'font-src'].includes(directive)) {
          expect(sources.filter((s) => s === 'data:' || s === 'blob:'), directive).toEqual([]);
        }
      }
    });
  }
});

describe('the renderer loads nothing remote', () => {
  const rendererDir = path.resolve(__dirname, '../../src/renderer');
  const files = (fs.readdirSync(rendererDir, { recursive: true }) as string[])
    .filter((f) => /\.(tsx?|html|css)$/.test(f))
    .map((f) => ({ name: f.split(path.sep).join('/'), text: fs.readFileSync(path.join(rendererDir, f), 'utf8') }));
  /** URLs that name something but load nothing. */
  const NOT_LOADS = new Set(['http://www.w3.org/2000/svg']);

  it('scans the renderer sources', () => {
    expect(files.some((f) => f.name === 'index.html')).toBe(true);
    expect(files.length).toBeGreaterThan(20);
  });

  it('holds no http(s) URL but XML namespaces', () => {
    for (const { name, text } of files) {
      for (const [url] of text.matchAll(/(?:https?|wss?):\/\/[^\s'"`)<>]*/g)) expect(NOT_LOADS.has(url), `${name}: ${url}`).toBe(true);
      expect(text, name).not.toMatch(/(?:src|href)\s*=\s*["'`]?\s*\/\//); // protocol-relative
    }
  });

  it('fetches only relative /api/ paths (the loopback bridge) and opens no other channel out', () => {
    for (const { name, text } of files) {
      for (const [, arg] of text.matchAll(/\bfetch\(\s*([^,)]*)/g)) expect(arg, `${name}: fetch(${arg}`).toMatch(/^[`'"]\/api\//);
      expect(text, name).not.toMatch(/new\s+(WebSocket|EventSource|XMLHttpRequest)\b|sendBeacon|window\.open\(|(@import\s+|url\()\s*(url\()?['"]?\s*(https?:|\/\/)/);
    }
  });
});
