import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/**
 * In dev, Vite injects inline scripts (React refresh preamble) and <style> tags that a strict CSP
 * blocks. They get a per-session nonce: Vite stamps it on its tags, this plugin adds it to the page's
 * meta CSP, and the main process (which inherits the variable) adds it to the CSP header.
 */
function devCspNonce(nonce: string): Plugin {
  return {
    name: 'loupe:dev-csp-nonce',
    apply: 'serve',
    transformIndexHtml: {
      order: 'pre',
      handler: (html: string) =>
        html.replace(
          /(<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=)(["'])([\s\S]*?)\2/i,
          (_match, head: string, quote: string, policy: string) =>
            head +
            quote +
            policy.replace(/\b(script-src|style-src)\b([^;]*)/g, (_d, name: string, sources: string) => `${name}${sources.trimEnd()} 'nonce-${nonce}'`) +
            quote,
        ),
    },
  };
}

export default defineConfig(({ command }) => {
  const devNonce = command === 'serve' ? (process.env.LOUPE_DEV_CSP_NONCE ??= randomBytes(18).toString('base64')) : undefined;
  return {
    main: {
      build: {
        // dependencies (better-sqlite3 with its native addon, zod, …) stay external: electron-vite's default
        externalizeDeps: true,
        // the Electron shell (out/main/index.js), the `loupe` command (out/main/cli.js, which
        // bin/loupe.cjs loads under plain Node) and three workers, which run in threads of their own
        // from their own files beside them (services/importer.ts, services/integrityCheck.ts,
        // services/agreementDocuments.ts); code they share goes to files beside them
        lib: {
          entry: {
            index: resolve(__dirname, 'src/main/index.ts'),
            cli: resolve(__dirname, 'src/main/cli/index.ts'),
            importWorker: resolve(__dirname, 'src/main/services/importWorker.ts'),
            integrityWorker: resolve(__dirname, 'src/main/services/integrityWorker.ts'),
            agreementReadWorker: resolve(__dirname, 'src/main/services/agreementReadWorker.ts'),
          },
        },
      },
    },
    preload: {
      build: {
        // the sandboxed preload can require nothing but 'electron': bundle whatever it imports
        externalizeDeps: false,
        lib: { entry: resolve(__dirname, 'src/preload/index.ts') },
        rolldownOptions: { output: { format: 'cjs' } },
      },
    },
    renderer: {
      root: resolve(__dirname, 'src/renderer'),
      plugins: [react(), ...(devNonce ? [devCspNonce(devNonce)] : [])],
      ...(devNonce ? { html: { cspNonce: devNonce } } : {}),
      build: {
        outDir: resolve(__dirname, 'out/renderer'),
        // electron-vite leaves bundles unminified; the renderer is 1 MB+ of parse time without this
        // LOUPE_PROFILE=1 keeps names readable for bench/profileEditor.ts
        minify: !process.env.LOUPE_PROFILE,
        rolldownOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
      },
    },
  };
});
