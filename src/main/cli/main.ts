/**
 * The `loupe` command line: import, export, stats and the browser UI, for pipelines.
 * Every command reuses the service layer; it only parses arguments and prints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, OFFSET_UNITS, type ExportFormat, type OffsetUnit } from '../../shared/types';
import { MAX_IMPORT_BYTES, MAX_IMPORT_MB } from '../../shared/limits';
import { LOUPE_VERSION } from '../../shared/version';
import { exportFrom, importFilesInto, openCorpusStore } from '../services/loupeService';
import { startWeb } from '../web';

const USAGE = `Usage:
  loupe import CORPUS FILE...          import plain-text articles (the corpus is created if missing)
  loupe export CORPUS --format jsonl|json|csv --out PATH [--offsets codepoint|utf16|utf8] [--document ID]
  loupe stats CORPUS                   documents and spans per label
  loupe web [--corpus PATH] [--port N] [--data-dir DIR]
                                       the Loupe UI in a browser, on 127.0.0.1 (prints the URL first)
  loupe --version | --help`;

/** A failure the user caused; printed without a stack trace. */
class UsageError extends Error {}

function requireCorpus(file: string | undefined): string {
  if (!file) throw new UsageError('name a corpus file (for example corpus.loupe)');
  return path.resolve(file);
}

function importCommand(args: string[], out: NodeJS.WritableStream): number {
  const [corpus, ...files] = args;
  const corpusPath = requireCorpus(corpus);
  if (files.length === 0) throw new UsageError('name at least one file to import');
  const store = openCorpusStore(corpusPath, { create: true });
  try {
    const inputs = [];
    const unreadable: { name: string; error: string }[] = [];
    for (const file of files) {
      try {
        if (fs.statSync(file).size > MAX_IMPORT_BYTES) throw new Error(`the file is larger than the ${MAX_IMPORT_MB} MB import limit`);
        inputs.push({ name: file, data: new Uint8Array(fs.readFileSync(file)) });
      } catch (error) {
        unreadable.push({ name: file, error: (error as Error).message });
      }
    }
    const report = importFilesInto(store, inputs);
    const failed = [...unreadable, ...report.failed];
    for (const r of report.imported) out.write(`imported ${r.name} (${r.encoding}) as document ${r.documentId}: ${r.title}\n`);
    for (const f of failed) process.stderr.write(`failed ${f.name}: ${f.error}\n`);
    out.write(`${report.imported.length} imported, ${failed.length} failed\n`);
    return failed.length ? 1 : 0;
  } finally {
    store.close();
  }
}

async function exportCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      offsets: { type: 'string', default: 'codepoint' },
      document: { type: 'string' },
    },
  });
  const corpusPath = requireCorpus(positionals[0]);
  const format = values.format as ExportFormat;
  const offsets = values.offsets as OffsetUnit;
  if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (!OFFSET_UNITS.includes(offsets)) throw new UsageError(`--offsets must be one of ${OFFSET_UNITS.join(', ')}`);
  if (!values.out) throw new UsageError('--out PATH is required');
  const documentId = values.document === undefined ? undefined : Number(values.document);
  if (documentId !== undefined && !(Number.isInteger(documentId) && documentId > 0)) {
    throw new UsageError('--document takes a document id (a positive whole number)');
  }
  const store = openCorpusStore(corpusPath, { create: false });
  try {
    const result = await exportFrom(store, { format, offsets, path: values.out, documentId });
    out.write(`wrote ${result.documents} documents, ${result.spans} spans to ${path.resolve(values.out)} (offsets: ${offsets})\n`);
    return 0;
  } finally {
    store.close();
  }
}

function statsCommand(args: string[], out: NodeJS.WritableStream): number {
  const store = openCorpusStore(requireCorpus(args[0]), { create: false });
  try {
    const counts = store.spanCountsByLabel();
    out.write(`corpus: ${store.name}\ndocuments: ${store.documentCount()}\nspans: ${counts.reduce((n, c) => n + c.count, 0)}\n`);
    for (const c of counts) out.write(`  ${c.label}: ${c.count}\n`);
    return 0;
  } finally {
    store.close();
  }
}

async function webCommand(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { corpus: { type: 'string' }, port: { type: 'string', default: '0' }, 'data-dir': { type: 'string' } },
  });
  const port = Number(values.port);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError('--port takes a number from 0 to 65535');
  const web = await startWeb({ corpusPath: values.corpus, port, dataDir: values['data-dir'] });
  out.write(`${web.url}\n`);
  out.write(`Loupe is serving ${web.corpusPath} on 127.0.0.1 only. Open the URL above (it carries this run's token). Ctrl+C stops.\n`);
  const stop = (): void => {
    void web.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => undefined); // runs until a signal
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function runCli(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'import':
        return importCommand(rest, out);
      case 'export':
        return await exportCommand(rest, out);
      case 'stats':
        return statsCommand(rest, out);
      case 'web':
        return await webCommand(rest, out);
      case '--version':
      case '-v':
        out.write(`${LOUPE_VERSION}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        out.write(`${USAGE}\n`);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`loupe: ${message}\n`);
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    return 1;
  }
}

