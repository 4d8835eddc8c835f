/**
 * The contract over the loopback bridge, for the browser build. Generated from API_METHOD_NAMES
 * like the Electron preload, so no method is written by hand.
 */
import { API_METHOD_NAMES } from '../../shared/apiMethods';
import type { LoupeApi } from '../../shared/contract';
import { withReason, type ErrorReason } from '../../shared/errors';
import { utf8Length } from '../../shared/offsets';
import type { ExportFilter } from '../../shared/types';
import { bytesReplacer } from '../../shared/wire';

const TOKEN_KEY = 'loupe-token';

/** Reads the per-run token from the URL (then hides it from the address bar) or from this tab's storage. */
export function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

let unloading = false;

/** Marks the page as going away: the saves sent from now on use keepalive requests. */
export function markUnloading(): void {
  unloading = true;
}

/** Builds a LoupeApi whose calls go to the bridge with the token. */
export function createHttpApi(token: string): LoupeApi {
  const call = async (method: string, args: unknown): Promise<unknown> => {
    const body = JSON.stringify(args ?? {}, bytesReplacer);
    const response = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
      // a save started as the tab closes must outlive the page; browsers cap keepalive bodies at
      // 64 KB (UTF-8 bytes) and refuse larger ones, so it is used only then and only when it fits
      keepalive: unloading && method === 'saveDocument' && utf8Length(body) < 63_000,
    });
    const reply = (await response.json().catch(() => null)) as
      | { ok: true; result: unknown }
      | { ok: false; error: { message: string; code?: string; reason?: ErrorReason } }
      | null;
    if (!reply) throw new Error(`${method}: the server answered ${response.status}`);
    if (!reply.ok) throw withReason(new Error(reply.error.message), reply.error.reason, reply.error.code);
    return reply.result;
  };
  const api: Record<string, unknown> = {};
  for (const method of API_METHOD_NAMES) api[method] = (args: unknown) => call(method, args);
  return api as unknown as LoupeApi;
}

/** Downloads an export through the bridge (the browser saves it where the user wants). */
export async function downloadExport(
  token: string,
  params: { format: string; offsets: string; documentId?: number; name: string; filter?: ExportFilter },
): Promise<{ documents: number; spans: number; links: number; losses: string[] }> {
  const query = new URLSearchParams({ format: params.format, offsets: params.offsets, name: params.name });
  if (params.documentId !== undefined) query.set('documentId', String(params.documentId));
  if (params.filter) query.set('filter', JSON.stringify(params.filter));
  const response = await fetch(`/api/export?${query}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message: string } } | null;
    throw new Error(body?.error?.message ?? `export failed (${response.status})`);
  }
  const summary = JSON.parse(decodeURIComponent(response.headers.get('x-loupe-export') ?? '%7B%7D')) as {
    documents?: number;
    spans?: number;
    links?: number;
    losses?: string[];
  };
  saveBlob(params.name, await response.blob());
  return { documents: summary.documents ?? 0, spans: summary.spans ?? 0, links: summary.links ?? 0, losses: summary.losses ?? [] };
}

/** Hands a blob to the browser as a download named `name` (the browser decides where it goes). */
export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
