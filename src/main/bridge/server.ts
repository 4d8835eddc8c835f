/**
 * The loopback bridge: the renderer in a browser talks to the same service as in Electron.
 * It listens on 127.0.0.1 only, wants the per-run token on every API call, and refuses foreign
 * Origins and Host names (DNS rebinding), so another page or user cannot reach a corpus.
 */
import { EXPORT_FORMAT_INFO } from '../../shared/formats';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { contentSecurityPolicyHeader } from '../../shared/csp';
import { API_METHODS, ApiError, parseArgs, type ApiMethod } from '../../shared/contract';
import type { ExportFormat, OffsetUnit } from '../../shared/types';
import { EXPORT_FORMATS, OFFSET_UNITS } from '../../shared/types';
import type { LoupeService } from '../services/loupeService';
import { MAX_IMPORT_BYTES, MAX_IMPORT_MB } from '../../shared/limits';
import { BytesTooLargeError, decodedLength, encodedBytes, reviveBytes } from '../../shared/wire';

export interface BridgeOptions {
  service: LoupeService;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
}

export interface Bridge {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * Largest request body: an import chunk travels base64-encoded (4 bytes for 3), and the UI sends at
 * most a brat pair of files at the import limit, with room to spare.
 */
const MAX_BODY_MB = 256;
const MAX_BODY_BYTES = MAX_BODY_MB * 1024 * 1024;

export const CONTENT_SECURITY_POLICY = contentSecurityPolicyHeader();

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

const STATUS: Record<ApiError['code'], number> = {
  'invalid-argument': 400,
  'not-found': 404,
  conflict: 409,
  io: 422,
  internal: 500,
};

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(data),
  });
  res.end(data);
}

function sendError(res: http.ServerResponse, error: unknown): void {
  const apiError = error instanceof ApiError ? error : new ApiError(String((error as Error)?.message ?? error));
  sendJson(res, error instanceof BodyTooLargeError ? 413 : STATUS[apiError.code], {
    ok: false,
    error: { message: apiError.message, code: apiError.code, ...(apiError.reason ? { reason: apiError.reason } : {}) },
  });
}

/** A request body over MAX_BODY_BYTES: refused (413) before it is kept or decoded. */
class BodyTooLargeError extends ApiError {
  constructor() {
    super(`request too large (the limit is ${MAX_BODY_MB} MB)`, 'invalid-argument');
  }
}

/**
 * Reads a request body, refusing one over MAX_BODY_BYTES: the rest is read and dropped, not kept,
 * so the client (which is still sending) gets the answer instead of a reset connection.
 */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = declared > MAX_BODY_BYTES;
    if (refused) reject(new BodyTooLargeError());
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        refused = true;
        chunks.length = 0;
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The English words for a file over the import limit, as the importers say it. */
const TOO_LARGE = `the file is larger than the ${MAX_IMPORT_MB} MB import limit`;

/**
 * An import's files over the import limit, replaced (before any is decoded) by an entry that the
 * import reports as failed, naming the file: the other files still import.
 */
function withoutOversizedFiles(raw: unknown): unknown {
  const files = (raw as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) return raw;
  return {
    ...(raw as Record<string, unknown>),
    files: files.map((file: unknown) => {
      const base64 = encodedBytes((file as { data?: unknown } | null)?.data);
      if (base64 === undefined || decodedLength(base64) <= MAX_IMPORT_BYTES) return file;
      return { ...(file as Record<string, unknown>), data: { $bytes: '' }, error: TOO_LARGE };
    }),
  };
}

function tokenMatches(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the bridge; resolves once it listens. */
export function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticRoot = path.resolve(options.staticDir);
  const methods = new Set<string>(API_METHODS);
  let port = 0;

  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  // compared whole: 'null', another scheme or port, or a look-alike host is foreign
  const allowedOrigins = (): Set<string> => new Set([...allowedHosts()].map((host) => `http://${host}`));

  const serveStatic = (req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void => {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = path.resolve(staticRoot, relative);
    if (file !== staticRoot && !file.startsWith(staticRoot + path.sep)) {
      sendJson(res, 403, { ok: false, error: { message: 'forbidden', code: 'invalid-argument' } });
      return;
    }
    fs.stat(file, (err, stat) => {
      if (err || !stat.isFile()) {
        sendJson(res, 404, { ok: false, error: { message: 'not found', code: 'not-found' } });
        return;
      }
      res.writeHead(200, {
        'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'content-length': stat.size,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
    });
  };

  const serveExport = async (url: URL, res: http.ServerResponse): Promise<void> => {
    const format = url.searchParams.get('format') as ExportFormat;
    const offsets = (url.searchParams.get('offsets') ?? 'codepoint') as OffsetUnit;
    const documentParam = url.searchParams.get('documentId');
    if (!EXPORT_FORMATS.includes(format)) throw new ApiError(`unknown export format: ${format}`, 'invalid-argument');
    if (!OFFSET_UNITS.includes(offsets)) throw new ApiError(`unknown offset unit: ${offsets}`, 'invalid-argument');
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-export-'));
    try {
      const name = url.searchParams.get('name')?.replace(/[\\/:*?"<>|]/g, '_') || `corpus.${format}`;
      const filterParam = url.searchParams.get('filter');
      let filter: unknown;
      if (filterParam) {
        try {
          filter = JSON.parse(filterParam);
        } catch {
          throw new ApiError('exportCorpus: invalid argument (filter: not JSON)', 'invalid-argument');
        }
      }
      const args = parseArgs('exportCorpus', {
        format,
        offsets,
        path: path.join(tmpDir, 'export'),
        ...(documentParam ? { documentId: Number(documentParam) } : {}),
        ...(filter === undefined ? {} : { filter }),
      });
      const result = await options.service.exportCorpus(args);
      const stat = fs.statSync(result.path);
      const summary = { documents: result.documents, spans: result.spans, links: result.links, losses: result.losses };
      res.writeHead(200, {
        'content-type': EXPORT_FORMAT_INFO[format].mime,
        'content-length': stat.size,
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
        'cache-control': 'no-store',
        // What was written and what the format could not carry, for the page to tell the user.
        'x-loupe-export': encodeURIComponent(JSON.stringify(summary)),
      });
      await new Promise<void>((resolve, reject) => {
        fs.createReadStream(result.path).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
      });
    } finally {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        if (!allowedHosts().has(req.headers.host ?? '')) {
          sendJson(res, 421, { ok: false, error: { message: 'wrong host', code: 'invalid-argument' } });
          return;
        }
        const origin = req.headers.origin;
        if (origin !== undefined && !allowedOrigins().has(origin)) {
          sendJson(res, 403, { ok: false, error: { message: 'foreign origin', code: 'invalid-argument' } });
          return;
        }
        const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
        if (!url.pathname.startsWith('/api/')) {
          if (req.method !== 'GET' && req.method !== 'HEAD') {
            sendJson(res, 405, { ok: false, error: { message: 'method not allowed', code: 'invalid-argument' } });
            return;
          }
          serveStatic(req, res, url.pathname);
          return;
        }
        const auth = req.headers.authorization?.replace(/^Bearer /, '');
        if (!tokenMatches(auth, token)) {
          sendJson(res, 401, { ok: false, error: { message: 'missing or wrong token', code: 'invalid-argument' } });
          return;
        }
        const name = url.pathname.slice('/api/'.length);
        if (name === 'export' && req.method === 'GET') {
          await serveExport(url, res);
          return;
        }
        if (req.method !== 'POST' || !methods.has(name)) {
          sendJson(res, 404, { ok: false, error: { message: `unknown method: ${name}`, code: 'not-found' } });
          return;
        }
        const body = await readBody(req);
        let parsed: unknown;
        try {
          parsed = body.length ? JSON.parse(body) : {};
        } catch {
          throw new ApiError(`${name}: the request body is not valid JSON`, 'invalid-argument');
        }
        let raw: unknown;
        try {
          // Bytes are checked against the import limit before they are decoded: decoding takes the memory.
          raw = reviveBytes(name === 'importFiles' ? withoutOversizedFiles(parsed) : parsed, MAX_IMPORT_BYTES);
        } catch (error) {
          if (error instanceof BytesTooLargeError) {
            throw new ApiError(`${name}: ${error.path.join('.')} is larger than the ${MAX_IMPORT_MB} MB limit`, 'invalid-argument');
          }
          throw new ApiError(`${name}: the request body holds bytes that are not valid base64`, 'invalid-argument');
        }
        const method = name as ApiMethod;
        const args = parseArgs(method, raw);
        const call = options.service[method] as (a: unknown) => Promise<unknown>;
        const result = await call(args);
        sendJson(res, 200, { ok: true, result: result ?? null });
      } catch (error) {
        if (res.headersSent) res.destroy();
        else sendError(res, error);
      }
    })();
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}/?token=${token}`,
        port,
        token,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
