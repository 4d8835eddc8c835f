/**
 * A 150 MB+ import in the browser build: the page refuses it before sending, and the bridge refuses
 * an oversized file (or body) before decoding it. The server stays up and the corpus unchanged; the
 * report names the file and the limit. (It used to run out of heap decoding the bytes and die.)
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect, importFiles, test } from './fixtures';

const MB = 1024 * 1024;

/** POSTs a raw body to an API method of the server at `url` (its token from the URL). */
function post(url: string, method: string, body: Buffer): Promise<{ status: number; json: unknown }> {
  const { port, searchParams } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: `/api/${method}`,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${searchParams.get('token')}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** An importFiles body as the page sends it: the file's bytes base64-encoded in JSON ({ $bytes }). */
function importBody(name: string, bytes: number): Buffer {
  // "YWFh" is base64 for "aaa": the body of a file of `bytes` letters a, without building it first.
  const base64 = Buffer.alloc(Math.ceil(bytes / 3) * 4, 'YWFh');
  return Buffer.concat([Buffer.from(`{"files":[{"name":${JSON.stringify(name)},"data":{"$bytes":"`), base64, Buffer.from('"}}]}')]);
}

test('the bridge refuses a 160 MB file before decoding it, and a body over its limit, and keeps serving', async ({ loupe }) => {
  test.setTimeout(180_000);
  const before = loupe.query<{ n: number }>('SELECT count(*) AS n FROM documents')[0]!.n;

  const big = await post(loupe.url, 'importFiles', importBody('big.txt', 160 * MB));
  expect(big.status).toBe(200);
  expect(big.json).toMatchObject({
    ok: true,
    result: { imported: [], failed: [{ name: 'big.txt', error: 'the file is larger than the 64 MB import limit' }] },
  });

  const huge = await post(loupe.url, 'importFiles', importBody('huge.txt', 200 * MB));
  expect(huge.status).toBe(413);
  expect(huge.json).toMatchObject({ ok: false, error: { message: expect.stringMatching(/request too large \(the limit is \d+ MB\)/) } });

  // Still up, and nothing was written.
  const info = await post(loupe.url, 'corpusInfo', Buffer.from('{}'));
  expect(info).toMatchObject({ status: 200, json: { ok: true, result: { documentCount: before } } });
  expect(loupe.query<{ n: number }>('SELECT count(*) AS n FROM documents')[0]!.n).toBe(before);
});

test('File › Import of a 150 MB file is refused in the page, naming the file and the limit; nothing large is sent', async ({ page, loupe }) => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-large-'));
  try {
    const big = path.join(dir, 'big.txt');
    const fd = fs.openSync(big, 'w');
    const block = Buffer.alloc(MB, '新闻');
    for (let i = 0; i < 150; i++) fs.writeSync(fd, block);
    fs.closeSync(fd);
    const small = path.join(dir, 'small.txt');
    fs.writeFileSync(small, '小文章\n一段话。');
    const before = loupe.query<{ n: number }>('SELECT count(*) AS n FROM documents')[0]!.n;
    let largest = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/')) largest = Math.max(largest, r.postDataBuffer()?.length ?? 0);
    });

    await importFiles(page, [big, small]);
    const report = page.getByRole('dialog', { name: 'Import report' });
    await expect(report).toContainText('big.txt: the file is larger than the 64 MB import limit');
    await expect(report).toContainText('Imported 1 file(s) (1 documents).');
    expect(largest).toBeLessThan(MB);
    expect(loupe.query<{ title: string }>('SELECT title FROM documents ORDER BY id DESC LIMIT 1')[0]!.title).toBe('小文章');
    expect(loupe.query<{ n: number }>('SELECT count(*) AS n FROM documents')[0]!.n).toBe(before + 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
