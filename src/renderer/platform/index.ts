/**
 * Which host the renderer runs in: Electron (the preload exposed `window.loupe`) or a browser
 * talking to the loopback bridge.
 */
import type { LoupeApi } from '../../shared/contract';
import { PRELOAD_GLOBAL, type HostBridge, type MenuCommand } from '../../shared/host';
import { createHttpApi, takeToken } from './httpApi';
import { createWebHost, readDropped, readFiles } from './webHost';
import type { ImportSelection } from '../../shared/types';

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

/**
 * What was dropped on the window, for import. In the app, the host turns the files and folders into
 * paths and the Node side reads them; in a browser (or for files that are not on this computer) the
 * page reads them and sends their bytes. Call it inside the drop event: a browser gives the dropped
 * folders' entries only until the event returns, so whatever needs them is taken before any await.
 */
export function readDropTransfer(host: HostBridge, transfer: DataTransfer): Promise<ImportSelection> {
  if (!host.importDropped) return readDropped(transfer);
  const files = [...transfer.files];
  const importDropped = host.importDropped.bind(host);
  return (async () => (await importDropped(files)) ?? { files: await readFiles(files) })();
}
