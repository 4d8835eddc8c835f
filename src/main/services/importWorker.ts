/**
 * The import worker (a worker thread; see services/importer.ts): reads the files of a batch from the
 * disk one at a time, when their turn comes, parses them (formats/import: bytes in, documents out)
 * and posts the results in packs, one pack ahead of the thread that stores them. It never touches
 * the corpus. Plain Node, so the app, the CLI and the loopback bridge all run it alike.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ImportFormat, ImportOptions } from '../../shared/types';
import { lazyFile } from '../files/lazyFile';
import { parseBatch, type BatchEvent, type BatchFile } from '../formats/import';
import { batchFull, sizeOf } from './importer';

/** A file to import: a path this side reads, or bytes already here (a browser's upload); named as the report names it. */
export type WorkerFile = { name: string; format?: ImportFormat; error?: string } & ({ path: string } | { data: Uint8Array });

/** What the worker is started with. */
export interface WorkerInput {
  files: WorkerFile[];
  options: ImportOptions;
}

/** What the worker posts: events of the batch, in order; `last` on the final pack. */
export interface WorkerPack {
  events: BatchEvent[];
  last: boolean;
}

/** Posts the events of `events` in packs, each when the storing side asks for more. */
function serve(events: Iterator<BatchEvent>, port: NonNullable<typeof parentPort>): void {
  const post = (): void => {
    const pack: BatchEvent[] = [];
    let files = 0;
    let chars = 0;
    let spans = 0;
    for (;;) {
      const next = events.next();
      if (next.done) {
        port.postMessage({ events: pack, last: true } satisfies WorkerPack);
        return;
      }
      pack.push(next.value);
      if (next.value.kind !== 'parsed') continue;
      const size = sizeOf(next.value.parsed);
      files++;
      chars += size.chars;
      spans += size.spans;
      if (batchFull(files, chars, spans)) break;
    }
    port.postMessage({ events: pack, last: false } satisfies WorkerPack);
  };
  port.on('message', (message: unknown) => {
    if (message === 'more') post();
  });
  post();
}

if (parentPort) {
  const input = workerData as WorkerInput;
  const files: BatchFile[] = input.files.map((f) =>
    'path' in f ? (f.error !== undefined ? { name: f.name, data: new Uint8Array(), error: f.error } : lazyFile(f.name, f.path, f.format)) : f,
  );
  serve(parseBatch(files, input.options), parentPort);
}
