/**
 * Reads chosen entries of a zip archive (a .docx, a zip of files) without trusting the sizes it
 * declares, and checks each against the CRC-32 the archive records for it. The central directory is
 * read first (the caller sees every entry's name and declared size, and may refuse the archive);
 * each chosen entry is then inflated by node:zlib with its declared size as the output limit, so a
 * zip bomb stops as soon as it produces more than it declared, and what comes out must match its
 * CRC-32: one flipped bit in a part's deflated data can still inflate, to other characters.
 *
 * Entry names are only compared, never used as paths: nothing here (or in its callers) writes files.
 */
import { constants as bufferConstants } from 'node:buffer';
import { crc32, inflateRawSync } from 'node:zlib';

/** What the central directory says about an entry. */
export interface ZipEntry {
  name: string;
  /** 0: stored, 8: deflated; others are refused when chosen. */
  method: number;
  compressedSize: number;
  /** The size the entry declares once inflated. */
  size: number;
  /** Encrypted (general purpose flag bit 0): its bytes cannot be read without the password. */
  encrypted: boolean;
  /** The CRC-32 of its unpacked bytes, as the central directory records it. */
  crc32: number;
}

/** The archive is not a zip or is damaged; the message says how, in words for the user. */
export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

/** An entry whose bytes do not match the CRC-32 the archive records: the archive is damaged. */
export class ZipChecksumError extends ZipError {
  constructor(readonly entry: string) {
    super(`the file is damaged: ${entry} does not match the checksum (CRC-32) the archive records for it (a flipped bit, or a bad copy); nothing of it was imported`);
    this.name = 'ZipChecksumError';
  }
}

const u16 = (d: Uint8Array, o: number): number => d[o]! | (d[o + 1]! << 8);
const u32 = (d: Uint8Array, o: number): number => (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)) >>> 0;
const u64 = (d: Uint8Array, o: number): number => u32(d, o) + u32(d, o + 4) * 2 ** 32;

/** Where the central directory starts and how many entries it lists (ZIP64 records included). */
function directory(data: Uint8Array): { offset: number; count: number } {
  // The end record is the last 22 bytes plus a comment of up to 65,535.
  let end = -1;
  for (let e = data.length - 22; e >= 0 && e >= data.length - 22 - 0xffff; e--) {
    if (u32(data, e) === 0x06054b50) {
      end = e;
      break;
    }
  }
  if (end < 0) throw new ZipError('it is not a zip archive, or it is cut short (no zip directory at its end)');
  let count = u16(data, end + 10);
  let offset = u32(data, end + 16);
  if (end >= 20 && u32(data, end - 20) === 0x07064b50) {
    const z = u64(data, end - 12);
    if (z + 56 <= data.length && u32(data, z) === 0x06064b50) {
      count = u64(data, z + 32);
      offset = u64(data, z + 48);
    }
  }
  return { offset, count };
}

/** How many entries the archive's directory says it has (ZIP64's count when it has one), read before any entry. */
export function zipEntryCount(data: Uint8Array): number {
  return directory(data).count;
}

/**
 * Whether a zip entry name stays inside the folder it is unpacked into, whatever the unzipper: relative,
 * `/`-separated, no empty, `.` or `..` segment, no backslash, drive colon or control character.
 */
export function isSafeEntryName(name: string): boolean {
  return (
    name !== '' &&
    !/[\\:\p{Cc}\p{Cf}\p{Cs}]/u.test(name) &&
    name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..')
  );
}

/** Inflates `compressed`, refusing it once it produces more than `size` bytes, or fewer. */
function inflateBounded(compressed: Uint8Array, size: number, name: string): Uint8Array {
  const bomb = (): ZipError => new ZipError(`${name} unpacks to more than the ${size} bytes it declares (a zip bomb, or a damaged file)`);
  let out: Buffer;
  try {
    // zlib stops as soon as its output passes the limit; the limit must be at least 1 byte.
    out = inflateRawSync(compressed, { maxOutputLength: Math.min(Math.max(size, 1), bufferConstants.MAX_LENGTH) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw bomb();
    throw new ZipError(`${name} is damaged (${error instanceof Error ? error.message : String(error)})`);
  }
  if (out.length > size) throw bomb();
  if (out.length < size) throw new ZipError(`${name} unpacks to ${out.length} bytes, fewer than the ${size} it declares (a damaged file)`);
  return out;
}

/**
 * The entries `choose` picks, by name, inflated. `choose` sees every entry of the central directory in
 * order and may throw to refuse the whole archive (too many entries, a declared size over a limit).
 */
export function readZip(data: Uint8Array, choose: (entry: ZipEntry) => boolean): Map<string, Uint8Array> {
  const { offset, count } = directory(data);
  const chosen: (ZipEntry & { local: number })[] = [];
  let o = offset;
  for (let i = 0; i < count; i++) {
    if (o + 46 > data.length || u32(data, o) !== 0x02014b50) throw new ZipError('its zip directory is damaged');
    const flags = u16(data, o + 8);
    const nameLength = u16(data, o + 28);
    const extraLength = u16(data, o + 30);
    if (o + 46 + nameLength + extraLength > data.length) throw new ZipError('its zip directory is damaged');
    const nameBytes = data.subarray(o + 46, o + 46 + nameLength);
    const name = flags & 0x800 ? new TextDecoder().decode(nameBytes) : Buffer.from(nameBytes).toString('latin1');
    let compressedSize = u32(data, o + 20);
    let size = u32(data, o + 24);
    let local = u32(data, o + 42);
    // ZIP64: the sizes and offset that do not fit in 32 bits are in extra field 0x0001, in this order.
    for (let x = o + 46 + nameLength; x + 4 <= o + 46 + nameLength + extraLength; x += 4 + u16(data, x + 2)) {
      if (u16(data, x) !== 0x0001) continue;
      let at = x + 4;
      if (size === 0xffffffff) {
        size = u64(data, at);
        at += 8;
      }
      if (compressedSize === 0xffffffff) {
        compressedSize = u64(data, at);
        at += 8;
      }
      if (local === 0xffffffff) local = u64(data, at);
      break;
    }
    const entry: ZipEntry = { name, method: u16(data, o + 10), compressedSize, size, encrypted: (flags & 1) === 1, crc32: u32(data, o + 16) };
    if (choose(entry)) chosen.push({ ...entry, local });
    o += 46 + nameLength + extraLength + u16(data, o + 32);
  }

  const out = new Map<string, Uint8Array>();
  for (const entry of chosen) {
    const { local, name } = entry;
    if (local + 30 > data.length || u32(data, local) !== 0x04034b50) throw new ZipError(`the archive is damaged where ${name} should be`);
    const start = local + 30 + u16(data, local + 26) + u16(data, local + 28);
    const compressed = data.subarray(start, start + entry.compressedSize);
    if (start + entry.compressedSize > data.length) throw new ZipError(`${name} is cut short`);
    let bytes: Uint8Array;
    if (entry.method === 0) {
      if (compressed.length > entry.size) throw new ZipError(`${name} holds more than the ${entry.size} bytes it declares (a damaged file)`);
      if (compressed.length < entry.size) throw new ZipError(`${name} holds fewer than the ${entry.size} bytes it declares (a damaged file)`);
      bytes = compressed.slice();
    } else if (entry.method === 8) {
      bytes = inflateBounded(compressed, entry.size, name);
    } else {
      throw new ZipError(`${name} is compressed with a method Loupe cannot read (zip method ${entry.method})`);
    }
    if (crc32(bytes) !== entry.crc32) throw new ZipChecksumError(name);
    out.set(name, bytes);
  }
  return out;
}
