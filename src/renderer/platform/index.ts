/**
 * Which host the renderer runs in: Electron (the preload exposed `window.loupe`) or a browser
 * talking to the loopback bridge.
 */
import type { LoupeApi } from '../../shared/contract';
import { PRELOAD_GLOBAL, type HostBridge, type MenuCommand } from '../../shared/host';
import { createHttpApi, takeToken } from './httpApi';
import { createWebHost } from './webHost';

export interface Platform {
  api: LoupeApi;
  host: HostBridge;
  /** Present in the browser build: the in-page menu bar emits through it, exports download with the token. */
  web?: { token: string; emit(command: MenuCommand): void };
}

/** Detects the host and builds the API client for it. */
export function createPlatform(t: (key: string, values?: Record<string, string | number>) => string): Platform {
  const exposed = (window as unknown as Record<string, unknown>)[PRELOAD_GLOBAL] as
    | { api: LoupeApi; host: HostBridge }
    | undefined;
  if (exposed) return { api: exposed.api, host: exposed.host };
  const token = takeToken();
  const api = createHttpApi(token);
  const host = createWebHost(t, api);
  return { api, host, web: { token, emit: host.emit } };
}
