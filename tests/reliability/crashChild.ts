/**
 * The process the crash harness kills: Loupe's Node side (the service over one corpus) driven by
 * JSON lines on stdin, one call per line, answered on stdout only once the call has finished, as
 * IPC answers the renderer. An answer is an acknowledgement: the harness holds the corpus to it.
 *
 *   in:  {"seq": 3, "method": "saveDocument", "args": {...}}   ("corpusId": "$" means the open one)
 *   out: {"started": 3}  (the call is read and decoded; the service has it now)
 *        {"seq": 3, "ok": true, "result": ...} | {"seq": 3, "ok": false, "code": "conflict", "message": "..."}
 *
 * Usage: node -r tsx/cjs tests/reliability/crashChild.ts <dataDir> <corpus.loupe>
 */
import readline from 'node:readline';
import { ApiError, parseArgs, type ApiMethod } from '../../src/shared/contract';
import { createLoupeService } from '../../src/main/services/loupeService';

const [dataDir, corpusPath] = process.argv.slice(2);
if (!dataDir || !corpusPath) {
  process.stderr.write('usage: crashChild <dataDir> <corpus.loupe>\n');
  process.exit(2);
}

const service = createLoupeService({ dataDir, corpusPath });

function answer(message: object): Promise<void> {
  return new Promise((resolve) => process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve()));
}

async function main(): Promise<void> {
  const corpusId = (await service.corpusInfo({})).id;
  await answer({ ready: true, pid: process.pid });

  // Calls run one after another, in the order they arrive, as the renderer's saves do.
  let queue = Promise.resolve();
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(async () => {
    // As wire.ts's reviveBytes, but with Node's base64 decoder: the harness wants the child's time
    // spent in the import, not in decoding the pipe.
    const { seq, method, args } = JSON.parse(line, (_key, value: unknown) =>
      value && typeof value === 'object' && typeof (value as { $bytes?: unknown }).$bytes === 'string'
        ? new Uint8Array(Buffer.from((value as { $bytes: string }).$bytes, 'base64'))
        : value,
    ) as { seq: number; method: ApiMethod; args: Record<string, unknown> };
    const raw = args;
    if (raw.corpusId === '$') raw.corpusId = corpusId;
    await answer({ started: seq });
    try {
      const call = service[method] as (a: unknown) => Promise<unknown>;
      const result = await call(parseArgs(method, raw));
      await answer({ seq, ok: true, result: method === 'exportCorpus' || method === 'saveDocument' ? result : null });
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(String(error));
      await answer({ seq, ok: false, code: e.code, message: e.message });
    }
  });
  });
}

void main();
