/**
 * Hardening that does not depend on a particular window: which URLs are Loupe's own pages, the
 * Content-Security-Policy header, permission denial, and navigation / popup / webview guards.
 */
import { contentSecurityPolicyHeader } from '../../shared/csp';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IpcMainEvent, IpcMainInvokeEvent, Session, WebContents } from 'electron';

/** Where the renderer comes from: the dev server (electron-vite dev) or the built files. */
export type RendererSource = { kind: 'dev'; url: string; nonce?: string } | { kind: 'file'; indexHtml: string };

/** A predicate telling whether a URL belongs to Loupe's renderer. */
export type AppUrlTest = (url: string) => boolean;

/** Builds the test for "this URL is one of our pages" for a renderer source. */
export function appUrlTest(source: RendererSource): AppUrlTest {
  if (source.kind === 'dev') {
    const origin = new URL(source.url).origin;
    return (url) => {
      try {
        return new URL(url).origin === origin;
      } catch {
        return false;
      }
    };
  }
  const root = path.dirname(source.indexHtml);
  return (url) => {
    if (!url.startsWith('file:')) return false;
    try {
      // compare decoded paths: install folders may hold spaces or CJK characters
      const relative = path.relative(root, fileURLToPath(url));
      return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
    } catch {
      return false;
    }
  };
}

/** The Content-Security-Policy of Loupe's pages; the dev variant admits Vite's client and HMR socket. */
export function contentSecurityPolicy(source: RendererSource): string {
  const script: string[] = [];
  const style: string[] = [];
  const connect: string[] = [];
  if (source.kind === 'dev') {
    // Vite injects inline module scripts (React refresh preamble) and <style> tags; they carry this nonce
    if (source.nonce) {
      script.push(`'nonce-${source.nonce}'`);
      style.push(`'nonce-${source.nonce}'`);
    }
    const dev = new URL(source.url);
    connect.push(`${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}`);
  }
  return contentSecurityPolicyHeader({ script, style, connect });
}

/** Sets the CSP header on our pages and refuses every permission request and check. */
export function hardenSession(session: Session, isAppUrl: AppUrlTest, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) {
      callback({});
      return;
    }
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Denies navigation away from our page, popups, and webviews, for any web contents. */
export function guardWebContents(contents: WebContents, isAppUrl: AppUrlTest): void {
  contents.on('will-navigate', (event, url) => {
    // a reload of our own page (Vite's full reload in dev) is fine; anything else is not
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * True when an IPC message comes from the main frame of a page of ours (not an iframe, not a page
 * that navigated elsewhere) inside one of the windows the shell created.
 */
export function isTrustedSender(
  event: IpcMainEvent | IpcMainInvokeEvent,
  isAppUrl: AppUrlTest,
  isOurContents: (contents: WebContents) => boolean,
): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isOurContents(event.sender) && isAppUrl(frame.url);
}
