/**
 * `npm run web` / `loupe web`: the service plus the loopback bridge serving the built renderer,
 * for machines without a display or an Electron binary, and for the browser tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startBridge } from './bridge/server';
import { defaultDataDir } from './services/dataDir';
import { createLoupeService } from './services/loupeService';

export interface WebOptions {
  corpusPath?: string;
  port?: number;
  dataDir?: string;
}

/** Finds out/renderer (the built UI) by walking up from this module. */
export function findRendererDir(start: string = __dirname): string | null {
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'out', 'renderer');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Starts the service and the bridge; resolves with the URL (token included) once listening. */
export async function startWeb(options: WebOptions) {
  const staticDir = findRendererDir();
  if (!staticDir) throw new Error('the UI is not built yet: run `npm run build` (or `npm run web`, which builds it) first');
  const service = createLoupeService({
    dataDir: options.dataDir ? path.resolve(options.dataDir) : defaultDataDir(),
    corpusPath: options.corpusPath,
  });
  const info = await service.corpusInfo({});
  try {
    const bridge = await startBridge({ service, staticDir, port: options.port ?? 0 });
    return {
      url: bridge.url,
      corpusPath: info.path,
      close: async () => {
        await bridge.close();
        service.close();
      },
    };
  } catch (error) {
    service.close();
    throw new Error(`cannot listen on 127.0.0.1:${options.port ?? 0}: ${(error as Error).message}`, { cause: error });
  }
}
