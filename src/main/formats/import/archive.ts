/**
 * Zip archives in an import batch. Each entry is imported as a file of a folder would be, named
 * `<zip's name>/<path inside the zip>`, so a zip of brat's .txt/.ann pairs with their annotation.conf
 * (brat's own, or Loupe's brat export), or of any files Loupe reads, imports as that folder would.
 * Entry names are only names: nothing is written to disk, and none of this touches the file system.
 *
 * The archive is refused whole, before anything is inflated, when it lists more than MAX_ZIP_ENTRIES
 * entries, an entry over the import limit or unpacking to more than MAX_ZIP_RATIO times its packed
 * size (above ZIP_RATIO_GRACE_BYTES), more than MAX_ZIP_UNPACKED_BYTES in all, a name that would be
 * unpacked outside its folder (`../`, `/etc/…`, `C:\…`), a name twice, or an encrypted entry; while
 * inflating, an entry that produces more than it declared (zip.ts). Zips inside the zip are skipped, not
 * opened; folders' own entries, hidden files and macOS's `__MACOSX` folder are left out, as a folder
 * import leaves out hidden files.
 */
import path from 'node:path';
import {
  MAX_IMPORT_BYTES,
  MAX_IMPORT_MB,
  MAX_ZIP_ENTRIES,
  MAX_ZIP_RATIO,
  MAX_ZIP_UNPACKED_BYTES,
  ZIP_RATIO_GRACE_BYTES,
} from '../../../shared/limits';
import { ImportError, type ImportInput } from './types';
import { isSafeEntryName, readZip, zipEntryCount, ZipError } from './zip';

const mb = (bytes: number): string => `${Math.round((bytes / (1024 * 1024)) * 10) / 10}`;
const sized = (bytes: number): string => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} kB` : `${mb(bytes)} MB`);

/** Whether a file of the batch is a zip archive to open (by its extension: a .docx is a zip too, read as Word). */
export function isZipName(name: string): boolean {
  return path.extname(name).toLowerCase() === '.zip';
}

/** Entries a folder import would not see either: hidden files and folders, and macOS's resource forks. */
const hidden = (name: string): boolean => name.split('/').some((segment) => segment.startsWith('.') || segment === '__MACOSX');

/** What a zip holds for the batch: its entries as files, and the entries skipped with why. */
export interface Unpacked {
  entries: ImportInput[];
  skipped: { name: string; why: string }[];
}

/** Unpacks a zip of the batch (see the module comment); throws an ImportError saying why it is refused. */
export function unpackZip(file: ImportInput): Unpacked {
  const { data } = file;
  if (data.length === 0) throw new ImportError('the file is empty', { key: 'error.fileEmpty' });
  if (data.length > MAX_IMPORT_BYTES) {
    throw new ImportError(`the file is larger than the ${MAX_IMPORT_MB} MB import limit`, { key: 'error.fileTooLarge', params: { limit: MAX_IMPORT_MB } });
  }
  const skipped: Unpacked['skipped'] = [];
  const names = new Set<string>();
  let total = 0;
  let files: Map<string, Uint8Array>;
  try {
    const count = zipEntryCount(data);
    if (count > MAX_ZIP_ENTRIES) throw new ImportError(`refused: the zip lists ${count} entries, more than the ${MAX_ZIP_ENTRIES} Loupe opens (a zip bomb?)`);
    files = readZip(data, (entry) => {
      // Some Windows tools write `\` between folders; it is read as `/` (a `..` then shows as such).
      const name = entry.name.replace(/\\/g, '/');
      if (name.endsWith('/')) return false; // a folder's own entry
      if (!isSafeEntryName(name) || /^[A-Za-z]:/.test(entry.name)) {
        throw new ImportError(`refused: the entry “${entry.name}” would be unpacked outside the folder the zip is in (a crafted zip?)`);
      }
      if (names.has(name)) throw new ImportError(`refused: the zip lists ${entry.name} twice`);
      names.add(name);
      if (hidden(name)) return false;
      if (isZipName(name)) {
        skipped.push({ name: `${file.name}/${name}`, why: 'a zip inside a zip is not opened (unzip it and import its files)' });
        return false;
      }
      if (entry.encrypted) throw new ImportError(`refused: ${entry.name} is encrypted; unzip it with its password and import the files`);
      if (entry.size > MAX_IMPORT_BYTES) {
        throw new ImportError(`refused: ${entry.name} would unpack to ${mb(entry.size)} MB, over the ${MAX_IMPORT_MB} MB limit of a file (a zip bomb?)`);
      }
      if (entry.size > ZIP_RATIO_GRACE_BYTES && entry.size > MAX_ZIP_RATIO * entry.compressedSize) {
        throw new ImportError(
          `refused: ${entry.name} would unpack to ${sized(entry.size)} from ${sized(entry.compressedSize)}, more than ${MAX_ZIP_RATIO} times its packed size (a zip bomb?)`,
        );
      }
      total += entry.size;
      if (total > MAX_ZIP_UNPACKED_BYTES) throw new ImportError(`refused: its entries would unpack to more than ${mb(MAX_ZIP_UNPACKED_BYTES)} MB in all (a zip bomb?)`);
      return true;
    });
  } catch (error) {
    if (error instanceof ZipError) throw new ImportError(error.message);
    throw error;
  }
  const entries = [...files].map(([name, bytes]) => ({ name: `${file.name}/${name.replace(/\\/g, '/')}`, data: bytes }));
  return { entries, skipped };
}
