/**
 * The editor benchmark's reference editor (bench/reference/): builds its page with Vite into a
 * folder and serves it, with the benchmark's report, from a static server on 127.0.0.1.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'vite';
import type { SpanInput } from '../src/shared/types';

/** The title of the reference editor's one document in its list. */
export const REFERENCE = '参考编辑器（20000处标注）';

/** Builds bench/reference/ into `outDir` (minified, as Loupe's renderer is). */
export async function buildReference(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: path.resolve(__dirname, 'reference'),
    base: './',
    logLevel: 'warn',
    // no module-preload polyfill: Chromium has modulepreload, and the polyfill does not resolve when Vite is loaded through require()
    build: { outDir, emptyOutDir: true, modulePreload: { polyfill: false } },
  });
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Serves `outDir` and, at document.json, the text and spans (code points) of the document. */
export async function serveReference(outDir: string, doc: { text: string; spans: readonly SpanInput[] }): Promise<{ url: string; close(): void }> {
  const body = JSON.stringify({ text: doc.text, spans: doc.spans.map((s) => ({ label: s.label, start: s.start, end: s.end })) });
  const server = http.createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (name === '/document.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      return;
    }
    const file = path.join(outDir, path.normalize(name === '/' ? '/index.html' : name));
    if (!file.startsWith(outDir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}
