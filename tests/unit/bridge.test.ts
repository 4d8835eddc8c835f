import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBridge, type Bridge } from '../../src/main/bridge/server';
import { createLoupeService, type LoupeService } from '../../src/main/services/loupeService';

let dir: string;
let staticDir: string;
let service: LoupeService;
let bridge: Bridge;
let origin: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-bridge-'));
  staticDir = path.join(dir, 'renderer');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Loupe</title>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  service = createLoupeService({ dataDir: path.join(dir, 'data') });
  bridge = await startBridge({ service, staticDir });
  origin = `http://127.0.0.1:${bridge.port}`;
});
afterAll(async () => {
  await bridge.close();
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.token}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('loopback bridge', () => {
  it('prints a 127.0.0.1 URL that carries the token, and serves the UI with a CSP', async () => {
    expect(bridge.url).toBe(`${origin}/?token=${bridge.token}`);
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });

  it('serves every contract method with the token', async () => {
    const response = await call('listDocuments', {});
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: boolean; result: { title: string }[] };
    expect(body.ok).toBe(true);
    expect(body.result.length).toBeGreaterThan(0);
  });

  it('refuses calls without the token, or with a wrong one', async () => {
    expect((await call('listDocuments', {}, { authorization: '' })).status).toBe(401);
    expect((await call('listDocuments', {}, { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('refuses a foreign Origin and a foreign Host (DNS rebinding)', async () => {
    expect((await call('listDocuments', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await call('listDocuments', {}, { origin })).status).toBe(200);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: bridge.port, path: '/api/listDocuments', method: 'POST', headers: { host: `evil.example:${bridge.port}`, authorization: `Bearer ${bridge.token}` } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(421);
  });

  it('answers malformed requests with a clear error and keeps serving', async () => {
    const bad = await call('getDocument', '{not json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    const wrong = await call('getDocument', { id: -4 });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/getDocument: invalid argument/);
    expect((await call('dropTables', {})).status).toBe(404);
    expect((await call('getDocument', { id: 424242 })).status).toBe(404);
    expect((await call('listDocuments', {})).status).toBe(200);
  });

  it('carries file bytes as base64 for imports', async () => {
    const data = Buffer.from('标题\n正文第一段。').toString('base64');
    const response = await call('importFiles', { files: [{ name: 'x.txt', data: { $bytes: data } }] });
    const body = (await response.json()) as { result: { imported: { title: string }[] } };
    expect(body.result.imported[0]!.title).toBe('标题');
  });

  it('does not serve files outside the UI folder', async () => {
    const response = await fetch(`${origin}/..%2fsecret.txt`);
    expect(response.status).not.toBe(200);
    expect(await response.text()).not.toContain('do not serve');
  });

  it('streams an export download', async () => {
    const response = await fetch(`${origin}/api/export?format=jsonl&offsets=codepoint`, {
      headers: { authorization: `Bearer ${bridge.token}` },
    });
    expect(response.status).toBe(200);
    const lines = (await response.text()).trim().split('\n');
    expect(JSON.parse(lines[0]!)).toHaveProperty('text');
  });
});

describe('loopback bridge, who may call it', () => {
  /** A service that records calls: a refused request must not reach it. */
  const listDocuments = vi.fn(async () => []);
  const spyService = { listDocuments } as unknown as LoupeService;
  let guarded: Bridge;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    const listen = vi.spyOn(http.Server.prototype, 'listen');
    guarded = await startBridge({ service: spyService, staticDir });
    server = listen.mock.contexts[0] as http.Server;
    listen.mockRestore();
    base = `http://127.0.0.1:${guarded.port}`;
  });
  afterAll(() => guarded.close());

  const post = (headers: Record<string, string>) =>
    fetch(`${base}/api/listDocuments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${guarded.token}`, ...headers },
      body: '{}',
    });

  /** Sends raw bytes (any Host header, or none) and returns the status code. */
  const rawStatus = (request: string) =>
    new Promise<number>((resolve, reject) => {
      const socket = net.connect(guarded.port, '127.0.0.1', () => socket.end(request));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(Number(/^HTTP\/1\.\d (\d{3})/.exec(data)?.[1] ?? 0)));
      socket.on('error', reject);
    });

  it('listens on 127.0.0.1 only', () => {
    expect(server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port: guarded.port });
  });

  it('makes a new token of at least 128 random bits on every start', async () => {
    const other = await startBridge({ service: spyService, staticDir });
    await other.close();
    expect(other.token).not.toBe(guarded.token);
    for (const token of [guarded.token, other.token]) {
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    }
  });

  it('refuses every foreign Origin before the service sees the call', async () => {
    const port = guarded.port;
    const foreign = [
      'null',
      'https://evil.example',
      'http://evil.example',
      'http://127.0.0.1.evil.example',
      `http://127.0.0.1.evil.example:${port}`,
      `http://localhost.evil.example:${port}`,
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      `ws://127.0.0.1:${port}`,
      `127.0.0.1:${port}`,
      `http://127.0.0.1:${port}.evil.example`,
      `http://user@127.0.0.1:${port}`,
    ];
    for (const origin of foreign) expect((await post({ origin })).status, origin).toBe(403);
    expect(listDocuments).not.toHaveBeenCalled();
    expect((await post({ origin: base })).status).toBe(200);
    expect((await post({ origin: `http://localhost:${port}` })).status).toBe(200);
    expect(listDocuments).toHaveBeenCalledTimes(2);
    listDocuments.mockClear();
  });

  it('refuses a foreign or missing Host even with the right token', async () => {
    const call = (host: string) =>
      `POST /api/listDocuments HTTP/1.1\r\n${host}authorization: Bearer ${guarded.token}\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`;
    expect(await rawStatus(call(`host: evil.example:${guarded.port}\r\n`))).toBe(421);
    expect(await rawStatus(call(`host: 127.0.0.1:${guarded.port}.evil.example\r\n`))).toBe(421);
    expect(await rawStatus(call('host: 127.0.0.1\r\n'))).toBe(421);
    expect(await rawStatus(call('').replace('HTTP/1.1', 'HTTP/1.0'))).toBe(421);
    expect(listDocuments).not.toHaveBeenCalled();
    expect(await rawStatus(call(`host: 127.0.0.1:${guarded.port}\r\n`))).toBe(200);
    expect(listDocuments).toHaveBeenCalledTimes(1);
    listDocuments.mockClear();
  });

  it('refuses a wrong token before the service sees the call', async () => {
    // one character changed: always another one than the token's own last character
    const last = guarded.token.slice(-1);
    const wrong = `${guarded.token.slice(0, -1)}${last === 'x' ? 'y' : 'x'}`;
    expect(wrong).not.toBe(guarded.token);
    expect((await post({ authorization: `Bearer ${wrong}` })).status).toBe(401);
    // the token in the page's address is for the page to read, not a way to call the API
    const byQuery = await fetch(`${base}/api/listDocuments?token=${guarded.token}`, { method: 'POST', body: '{}' });
    expect(byQuery.status).toBe(401);
    expect(listDocuments).not.toHaveBeenCalled();
  });
});
