/**
 * The one walk of a folder chosen for import, used by the app's Import folder dialog and by
 * `loupe import`: every file under it, hidden ones (.git, .DS_Store) skipped, sorted by name, named
 * by its path from the folder's parent with `/` separators (the names the report shows and brat's
 * pairing reads). A symbolic link counts as what it points to; a link to a folder is not followed,
 * so a link cycle cannot make the walk endless. A FIFO, a device or a socket is listed, to be refused
 * by name when it is read (files/regularFiles.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** A file found in a folder: where it is, and its name for the import. */
export interface WalkedFile {
  path: string;
  name: string;
}

/** The folder holds more files than the walk was allowed to list. */
export class TooManyFilesError extends Error {
  constructor(readonly limit: number) {
    super(`the folder holds more than ${limit} files; import it in parts`);
    this.name = 'TooManyFilesError';
  }
}

/** Every file under `dir` (see the top of this file); throws TooManyFilesError past `maxFiles`. */
export async function walkFolder(dir: string, maxFiles = Infinity): Promise<WalkedFile[]> {
  const base = path.dirname(path.resolve(dir));
  const out: WalkedFile[] = [];
  const walk = async (current: string): Promise<void> => {
    // Code-unit order, as the CLI always sorted (localeCompare would change with the user's locale).
    const entries = (await fs.readdir(current, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
        continue;
      }
      if (entry.isSymbolicLink()) {
        const target = await fs.stat(full).catch(() => null);
        if (target === null || target.isDirectory()) continue; // dangling, or a folder link
      }
      out.push({ path: full, name: path.relative(base, full).split(path.sep).join('/') });
      if (out.length > maxFiles) throw new TooManyFilesError(maxFiles);
    }
  };
  await walk(dir);
  return out;
}

/** Whether `p` is a folder (following a symbolic link); false when nothing is there. */
export async function isFolder(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => null))?.isDirectory() ?? false;
}
