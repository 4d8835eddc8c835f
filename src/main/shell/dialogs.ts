/**
 * The shell's half of `HostBridge`: native open/save dialogs behind the 'loupe:host:*' channels.
 * Files chosen for import are listed here, not read: the renderer hands their paths to the API's
 * importPaths, and the Node side reads each in its import worker when its turn comes.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  type FileFilter,
  type IpcMainInvokeEvent,
  type OpenDialogOptions,
  type OpenDialogReturnValue,
  type SaveDialogOptions,
  type SaveDialogReturnValue,
} from 'electron';
import { EXPORT_FORMAT_INFO, IMPORT_EXTENSIONS } from '../../shared/formats';
import { ApiError } from '../../shared/contract';
import { translate } from '../../shared/i18n';
import { HOST_CHANNELS } from '../../shared/ipcChannels';
import { MAX_IMPORT_BYTES, MAX_IMPORT_MB, MAX_TEXT_FILE_BYTES, MAX_TEXT_FILE_MB } from '../../shared/limits';
import { EXPORT_FORMATS, OFFSET_UNITS, type ExportFormat, type ImportPath, type ImportSelection, type Locale } from '../../shared/types';
import { writeFileAtomicSync } from '../files/atomicFile';
import { linksCsvPath } from '../services/loupeService';
import { checkReplaceable, FileKindError, readRegularFile } from '../files/regularFiles';
import { isFolder, TooManyFilesError, walkFolder } from '../files/folderWalk';
import { handleTrusted, type SenderCheck } from './ipc';


type Translate = (key: string, values?: Record<string, string | number>) => string;

const CORPUS_EXTENSION = 'loupe';
/** At most this many files are read from a chosen folder. */
const MAX_FOLDER_FILES = 20_000;
/** Text files the UI saves and opens (schema files) are JSON. */
const JSON_EXTENSION = 'json';

/** Adds the extension when the user typed a name without one (Linux save dialogs do not). */
function withExtension(file: string, extension: string): string {
  return path.extname(file).toLowerCase() === `.${extension}` ? file : `${file}.${extension}`;
}

function parentOf(event: IpcMainInvokeEvent): BrowserWindow | null {
  return BrowserWindow.fromWebContents(event.sender);
}

async function showOpen(
  event: IpcMainInvokeEvent,
  options: OpenDialogOptions,
): Promise<OpenDialogReturnValue> {
  const parent = parentOf(event);
  return parent ? dialog.showOpenDialog(parent, options) : dialog.showOpenDialog(options);
}

async function showSave(
  event: IpcMainInvokeEvent,
  options: SaveDialogOptions,
): Promise<SaveDialogReturnValue> {
  const parent = parentOf(event);
  return parent ? dialog.showSaveDialog(parent, options) : dialog.showSaveDialog(options);
}

/**
 * The save dialog confirmed replacing `confirmed` only: asks about each other path of `written` that
 * exists (the name with its extension added after the dialog, the CSV export's links file). False
 * when the user would rather not replace one.
 */
async function confirmReplacing(event: IpcMainInvokeEvent, t: Translate, confirmed: string, written: readonly string[]): Promise<boolean> {
  for (const target of written) {
    if (target === confirmed || !(await fs.stat(target).catch(() => null))) continue;
    const options = {
      type: 'question' as const,
      buttons: [t('dialog.replace'), t('dialog.cancel')],
      defaultId: 1,
      cancelId: 1,
      title: t('dialog.replaceTitle'),
      message: t('dialog.replaceQuestion', { path: target }),
    };
    const parent = parentOf(event);
    const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
    if (response !== 0) return false;
  }
  return true;
}

/**
 * The chosen files to import, by path. One chosen on its own that is too large refuses the whole
 * choice before anything is imported; from a folder (a video beside the articles), a file too large
 * or not a regular file is reported in the import report and the rest still import.
 */
async function chosenFiles(paths: readonly string[]): Promise<{ paths: ImportPath[] }> {
  const sizes = await Promise.all(paths.map(async (p) => ({ p, stat: await fs.stat(p) })));
  const tooBig = sizes.filter((s) => s.stat.isFile() && s.stat.size > MAX_IMPORT_BYTES);
  if (tooBig.length > 0) {
    const list = tooBig.map((s) => `${path.basename(s.p)} (${Math.ceil(s.stat.size / 1024 / 1024)} MB)`).join(', ');
    throw new ApiError(`too large to import, the limit is ${MAX_IMPORT_MB} MB per file: ${list}`, 'invalid-argument', {
      key: 'error.filesTooLarge',
      params: { limit: MAX_IMPORT_MB, names: list },
    });
  }
  return { paths: paths.map((p) => ({ path: p, name: path.basename(p) })) };
}

/** Every file under the chosen folder (files/folderWalk.ts), by path. */
async function chosenFolder(dir: string, maxFiles = MAX_FOLDER_FILES): Promise<{ paths: ImportPath[] }> {
  try {
    return { paths: await walkFolder(dir, maxFiles) };
  } catch (error) {
    if (error instanceof TooManyFilesError) throw new ApiError(error.message, 'invalid-argument');
    throw error;
  }
}

/** How many paths one drop may carry (each may be a folder, walked up to MAX_FOLDER_FILES files in all). */
const MAX_DROPPED = 10_000;

/**
 * Files and folders dropped on the window, by path: a file as chosen in the Import dialog, a folder
 * as chosen in Import folder (its files named from the folder's parent), all in the order dropped.
 */
async function droppedSelection(dropped: unknown): Promise<ImportSelection> {
  if (!Array.isArray(dropped) || dropped.length === 0 || dropped.length > MAX_DROPPED) {
    throw new ApiError(`droppedToImport: invalid argument (1 to ${MAX_DROPPED} paths)`, 'invalid-argument');
  }
  const paths = dropped.map((p) => {
    if (typeof p !== 'string' || !path.isAbsolute(p) || p.includes('\0')) {
      throw new ApiError('droppedToImport: invalid argument (each path must be absolute)', 'invalid-argument');
    }
    return p;
  });
  const out: ImportPath[] = [];
  const files: string[] = [];
  const flushFiles = async () => {
    if (files.length) out.push(...(await chosenFiles(files.splice(0))).paths);
  };
  for (const p of paths) {
    if (!(await isFolder(p))) {
      files.push(p);
      continue;
    }
    await flushFiles();
    out.push(...(await chosenFolder(p, MAX_FOLDER_FILES - out.length)).paths);
  }
  await flushFiles();
  return { paths: out };
}

/** Reads a small UTF-8 text file, refusing one above the size limit, or not a regular file, before reading it. */
async function readTextFile(file: string): Promise<{ name: string; text: string }> {
  const name = path.basename(file);
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(file, { bytes: MAX_TEXT_FILE_BYTES, mb: MAX_TEXT_FILE_MB, name: 'schema file' });
  } catch (error) {
    if (!(error instanceof FileKindError)) throw error;
    if (error.reason.key !== 'error.fileTooLarge') throw new ApiError(error.message, 'invalid-argument', error.reason);
    throw new ApiError(`${name} is larger than ${MAX_TEXT_FILE_MB} MB`, 'invalid-argument', {
      key: 'schema.fileTooLarge',
      params: { name, limit: MAX_TEXT_FILE_MB },
    });
  }
  try {
    return { name, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    throw new ApiError(`${name} is not UTF-8 text`, 'invalid-argument', { key: 'schema.fileNotUtf8', params: { name } });
  }
}

/** Registers the dialog handlers; `locale` gives the UI language for titles and filter names. */
export function registerDialogHandlers(isTrusted: SenderCheck, locale: () => Locale): void {
  const t: Translate = (key, values) => translate(locale(), key, values);
  const corpusFilters = (): FileFilter[] => [{ name: t('dialog.corpusFilter'), extensions: [CORPUS_EXTENSION] }];

  handleTrusted(HOST_CHANNELS.chooseCorpusToOpen, isTrusted, async (event) => {
    const result = await showOpen(event, {
      title: t('dialog.openTitle'),
      properties: ['openFile'],
      filters: corpusFilters(),
    });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });

  handleTrusted(HOST_CHANNELS.chooseCopyToMerge, isTrusted, async (event) => {
    const result = await showOpen(event, {
      title: t('merge.chooseTitle'),
      properties: ['openFile'],
      filters: [...corpusFilters(), { name: t('merge.exportsFilter'), extensions: ['jsonl', 'json', 'zip'] }, { name: t('dialog.allFiles'), extensions: ['*'] }],
    });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });

  handleTrusted(HOST_CHANNELS.chooseCorpusToCreate, isTrusted, async (event) => {
    const result = await showSave(event, {
      title: t('dialog.newTitle'),
      defaultPath: path.join(app.getPath('documents'), `Corpus.${CORPUS_EXTENSION}`),
      filters: corpusFilters(),
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    return result.canceled || !result.filePath ? null : withExtension(result.filePath, CORPUS_EXTENSION);
  });

  handleTrusted(HOST_CHANNELS.chooseCopyPath, isTrusted, async (event, defaultName: unknown) => {
    const name = typeof defaultName === 'string' && defaultName ? path.basename(defaultName) : `Corpus.${CORPUS_EXTENSION}`;
    const result = await showSave(event, {
      title: t('dialog.copyTitle'),
      defaultPath: path.join(app.getPath('documents'), withExtension(name, CORPUS_EXTENSION)),
      filters: corpusFilters(),
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    if (result.canceled || !result.filePath) return null;
    const target = withExtension(result.filePath, CORPUS_EXTENSION);
    return (await confirmReplacing(event, t, result.filePath, [target])) ? target : null;
  });

  handleTrusted(HOST_CHANNELS.chooseFilesToImport, isTrusted, async (event) => {
    const result = await showOpen(event, {
      title: t('dialog.importTitle'),
      properties: ['openFile', 'multiSelections'],
      filters: [
        { name: t('dialog.textFilter'), extensions: [...IMPORT_EXTENSIONS] },
        { name: t('dialog.allFiles'), extensions: ['*'] },
      ],
    });
    if (result.canceled || result.filePaths.length === 0) return null;
    return chosenFiles(result.filePaths);
  });

  handleTrusted(HOST_CHANNELS.chooseFolderToImport, isTrusted, async (event) => {
    const result = await showOpen(event, { title: t('dialog.importFolderTitle'), properties: ['openDirectory'] });
    const dir = result.canceled ? undefined : result.filePaths[0];
    return dir ? chosenFolder(dir) : null;
  });

  handleTrusted(HOST_CHANNELS.droppedToImport, isTrusted, async (_event, paths) => droppedSelection(paths));

  handleTrusted(HOST_CHANNELS.chooseExportPath, isTrusted, async (event, defaultName, format, offsets) => {
    if (typeof defaultName !== 'string' || !EXPORT_FORMATS.includes(format as ExportFormat)) {
      throw new ApiError('chooseExportPath: invalid argument (a file name and a format are required)', 'invalid-argument');
    }
    if (!OFFSET_UNITS.some((u) => u === offsets)) {
      throw new ApiError('chooseExportPath: invalid argument (offsets)', 'invalid-argument');
    }
    const info = EXPORT_FORMAT_INFO[format as ExportFormat];
    const extension = info.extension;
    // the offset unit is the renderer's choice and only matters to the export itself
    const name = path.basename(defaultName) || `export.${extension}`;
    const result = await showSave(event, {
      title: t('dialog.exportTitle'),
      defaultPath: path.join(app.getPath('documents'), withExtension(name, extension)),
      filters: [{ name: info.name, extensions: [extension] }],
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    if (result.canceled || !result.filePath) return null;
    const target = withExtension(result.filePath, extension);
    const written = format === 'csv' ? [target, linksCsvPath(target)] : [target];
    return (await confirmReplacing(event, t, result.filePath, written)) ? target : null;
  });

  handleTrusted(HOST_CHANNELS.saveTextFile, isTrusted, async (event, defaultName, content) => {
    if (typeof defaultName !== 'string' || typeof content !== 'string') {
      throw new ApiError('saveTextFile: invalid argument (a file name and the text are required)', 'invalid-argument');
    }
    if (Buffer.byteLength(content, 'utf8') > MAX_TEXT_FILE_BYTES) {
      throw new ApiError(`saveTextFile: the text is larger than ${MAX_TEXT_FILE_MB} MB`, 'invalid-argument');
    }
    // only a name is taken from the renderer; the folder is the user's choice in the dialog
    const name = path.basename(defaultName) || `schema.${JSON_EXTENSION}`;
    const result = await showSave(event, {
      title: t('schema.exportTitle'),
      defaultPath: path.join(app.getPath('documents'), withExtension(name, JSON_EXTENSION)),
      filters: [{ name: t('schema.fileFilter'), extensions: [JSON_EXTENSION] }],
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    if (result.canceled || !result.filePath) return false;
    const target = withExtension(result.filePath, JSON_EXTENSION);
    try {
      checkReplaceable(target);
    } catch (error) {
      if (error instanceof FileKindError) throw new ApiError(error.message, 'invalid-argument', error.reason);
      throw error;
    }
    writeFileAtomicSync(target, content);
    return true;
  });

  handleTrusted(HOST_CHANNELS.openTextFile, isTrusted, async (event) => {
    const result = await showOpen(event, {
      title: t('schema.importTitle'),
      properties: ['openFile'],
      filters: [
        { name: t('schema.fileFilter'), extensions: [JSON_EXTENSION] },
        { name: t('dialog.allFiles'), extensions: ['*'] },
      ],
    });
    const file = result.canceled ? undefined : result.filePaths[0];
    return file ? readTextFile(file) : null;
  });
}
