import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
