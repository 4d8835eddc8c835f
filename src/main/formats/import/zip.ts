/**
 * Reads chosen entries of a zip archive (a .docx) without trusting the sizes it declares. fflate's
 * unzipSync inflates each entry into a buffer of its declared size and keeps decoding past the end of
 * it, so an entry that declares a few bytes but holds gigabytes of deflated zeros costs minutes of work
 * before anything is refused. Here the central directory is read first (the caller sees every entry's
 * name and declared size, and may refuse the archive), and each chosen entry is inflated with fflate's
 * streaming Inflate in slices, stopping as soon as it produces more than it declared.
 *
 * Entry names are only compared, never used as paths: nothing here (or in its callers) writes files.
 */
import { Inflate } from 'fflate';

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
}

/** The archive is not a zip or is damaged; the message says how, in words for the user. */
export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

/** Compressed bytes handed to the inflater at a time: at most about 16 MB of output each (deflate's 1032:1). */
const SLICE = 16 * 1024;

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

/** Inflates `compressed`, refusing it once it produces more than `size` bytes. */
function inflateBounded(compressed: Uint8Array, size: number, name: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > size) throw new ZipError(`${name} unpacks to more than the ${size} bytes it declares (a zip bomb, or a damaged file)`);
    chunks.push(chunk);
  });
  try {
    for (let at = 0; at < compressed.length || at === 0; at += SLICE) {
      inflater.push(compressed.subarray(at, at + SLICE), at + SLICE >= compressed.length);
    }
  } catch (error) {
    if (error instanceof ZipError) throw error;
    throw new ZipError(`${name} is damaged (${error instanceof Error ? error.message : String(error)})`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
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
      if (size === 0xffffffff) (size = u64(data, at)), (at += 8);
      if (compressedSize === 0xffffffff) (compressedSize = u64(data, at)), (at += 8);
      if (local === 0xffffffff) local = u64(data, at);
      break;
    }
    const entry: ZipEntry = { name, method: u16(data, o + 10), compressedSize, size, encrypted: (flags & 1) === 1 };
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
    if (entry.method === 0) {
      if (compressed.length > entry.size) throw new ZipError(`${name} holds more than the ${entry.size} bytes it declares (a damaged file)`);
      out.set(name, compressed.slice());
    } else if (entry.method === 8) {
      out.set(name, inflateBounded(compressed, entry.size, name));
    } else {
      throw new ZipError(`${name} is compressed with a method Loupe cannot read (zip method ${entry.method})`);
    }
  }
  return out;
}
