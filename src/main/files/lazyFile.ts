/**
 * A batch file of the importers (formats/import) read from the disk only when its bytes are first
 * asked for, then kept until released: the import worker's files, and a merge's.
 */
import { MAX_IMPORT_BYTES, MAX_IMPORT_MB } from '../../shared/limits';
import type { ImportFormat } from '../../shared/types';
import type { BatchFile } from '../formats/import';
import { readRegularFileSync } from './regularFiles';

const IMPORT_LIMIT = { bytes: MAX_IMPORT_BYTES, mb: MAX_IMPORT_MB, name: 'import' };

/**
 * A batch file whose bytes are read from `file` the first time they are asked for, through the rule
 * every import read follows (regular files only, within the import limit); a file that cannot be
 * read fails when its turn comes, by name, and the rest go on.
 */
export function lazyFile(name: string, file: string, format?: ImportFormat): BatchFile {
  let data: Uint8Array | undefined;
  return {
    name,
    ...(format ? { format } : {}),
    get data(): Uint8Array {
      if (data === undefined) {
        try {
          const buffer = readRegularFileSync(file, IMPORT_LIMIT);
          data = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('no such file or folder', { cause: error });
          throw error;
        }
      }
      return data;
    },
    release: () => {
      data = undefined;
    },
  };
}
