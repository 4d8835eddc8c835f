/**
 * Turns an imported file's bytes into text and names the encoding it was in. Order: BOM, then NUL
 * bytes (UTF-16 without BOM or binary), then strict UTF-8, then chardet's candidates decoded with
 * iconv-lite, with a tie-breaker for the GB18030 / Big5 choice that matters most to Loupe's users.
 */
import type { ErrorReason } from '../../shared/errors';
import { MAX_IMPORT_BYTES, MAX_IMPORT_MB } from '../../shared/limits';
import chardet from 'chardet';
import iconv from 'iconv-lite';

/** Decoded text and the readable name of the encoding it came from. */
export interface DecodedText {
  text: string;
  encoding: string;
}

/** A file that cannot be imported as text; the message is meant for the user. */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly reason?: ErrorReason,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** Files above this size are refused before any decoding. */
export { MAX_IMPORT_BYTES };

/** Detection reads this much of the file: far more than a news article, and a long file's head is representative. */
const SAMPLE_BYTES = 64 * 1024;

/** chardet's confidence (0-100) from which its top candidate is trusted without a second opinion. */
const CONFIDENT = 50;

const BINARY_MESSAGE = 'not a text file (it contains binary data)';

type ChineseEncoding = 'GB18030' | 'Big5';

/** Decodes an imported file's bytes, detecting the encoding; throws DecodeError when it is not usable text. */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) throw new DecodeError('the file is empty', { key: 'error.fileEmpty' });
  if (bytes.length > MAX_IMPORT_BYTES) throw new DecodeError(`the file is larger than the ${MAX_IMPORT_MB} MB import limit`, {
      key: 'error.fileTooLarge',
      params: { limit: MAX_IMPORT_MB },
    });

  const decoded = decodeBytes(bytes);
  if (decoded.text.length === 0) throw new DecodeError('the file is empty', { key: 'error.fileEmpty' });
  if (isMostlyControl(decoded.text)) throw new DecodeError(BINARY_MESSAGE, { key: 'error.binary' });
  return decoded;
}

function decodeBytes(bytes: Uint8Array): DecodedText {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    return { text: strictDecode('utf-8', bytes.subarray(3), 'UTF-8'), encoding: 'UTF-8 (BOM)' };
  }
  if (startsWith(bytes, [0xff, 0xfe])) {
    return { text: strictDecode('utf-16le', bytes.subarray(2), 'UTF-16LE'), encoding: 'UTF-16LE' };
  }
  if (startsWith(bytes, [0xfe, 0xff])) {
    return { text: strictDecode('utf-16be', bytes.subarray(2), 'UTF-16BE'), encoding: 'UTF-16BE' };
  }

  // NULs come before the UTF-8 test on purpose: "a\0b\0" is valid UTF-8 but is UTF-16 (or binary),
  // and no legacy encoding chardet can name uses a NUL byte inside text.
  if (bytes.includes(0)) {
    const utf16 = bomlessUtf16(bytes);
    if (utf16) return utf16;
    throw new DecodeError(BINARY_MESSAGE, { key: 'error.binary' });
  }

  // Below the NUL test every candidate is ASCII-compatible, so C0 bytes are control characters whatever
  // the encoding; checking them first names binary data as such instead of "encoding not detected".
  const rawSample = iconv.decode(toBuffer(sampleOf(bytes)), 'latin1');
  if (isMostlyControl(rawSample, false)) throw new DecodeError(BINARY_MESSAGE, { key: 'error.binary' });

  const utf8 = tryStrictDecode('utf-8', bytes);
  if (utf8 !== null) return { text: utf8, encoding: 'UTF-8' };

  const encoding = chooseLegacyEncoding(sampleOf(bytes));
  const text = iconv.decode(toBuffer(bytes), encoding, { stripBOM: false });
  const produced = countReplacements(text) - countInSource(bytes, encoding);
  if (produced > 0) {
    throw new DecodeError(
      `the text is not valid ${encoding} (${produced} undecodable byte sequence${produced === 1 ? '' : 's'})`,
      { key: 'error.invalidEncoding', params: { encoding, count: produced } },
    );
  }
  return { text, encoding };
}

/**
 * UTF-16 without a BOM is accepted only when it is unmistakable: NULs (the high byte of ASCII code units)
 * cluster at one parity, the length is even, and the strict decode has no lone surrogates. The other
 * parity may hold a few NULs, since CJK characters such as 一 (U+4E00) have a zero low byte. Binary data
 * rarely passes all of this, and the caller's control-character check catches the rest.
 */
function bomlessUtf16(bytes: Uint8Array): DecodedText | null {
  if (bytes.length % 2 !== 0) return null;
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 0) evenNuls++;
      else oddNuls++;
    }
  }
  // "Many": at least one code unit in a hundred is ASCII (spaces, line breaks, digits); a Chinese article
  // has a line break every paragraph and more.
  const minNuls = Math.max(2, Math.floor(sample.length / 2 / 100));
  let label: 'utf-16le' | 'utf-16be';
  if (oddNuls >= minNuls && evenNuls * 4 <= oddNuls) label = 'utf-16le';
  else if (evenNuls >= minNuls && oddNuls * 4 <= evenNuls) label = 'utf-16be';
  else return null;
  const text = tryStrictDecode(label, bytes);
  if (text === null || isMostlyControl(text)) return null;
  return { text, encoding: label === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE' };
}

/**
 * Picks a legacy encoding. chardet is trusted when it is confident, except between GB18030 and Big5:
 * their byte ranges overlap so much that both usually decode cleanly, and on a short text chardet gives
 * every CJK candidate the same low confidence (or even names a single-byte code page). There Loupe
 * decides by asking which reading looks like ordinary Chinese (see chineseScore).
 */
function chooseLegacyEncoding(sample: Uint8Array): string {
  // Among equally confident candidates Chinese goes first: GB2312 and EUC-JP/EUC-KR share byte ranges,
  // and Loupe's articles are mostly Chinese.
  const matches = chardet
    .analyse(sample)
    .map((m) => ({ name: readableName(m.name), confidence: m.confidence }))
    .filter((m) => iconv.encodingExists(m.name))
    .sort((a, b) => b.confidence - a.confidence || Number(isChinese(b.name)) - Number(isChinese(a.name)));
  const top = matches[0];

  if (top && top.confidence >= CONFIDENT) {
    if (!isChinese(top.name)) {
      // Single-byte recognisers happily claim a short CJK text (to chardet "新聞" in Big5 is 60% Latin-1).
      // A European text in a code page is mostly ASCII letters, so only a mostly-high-byte sample that
      // reads as common hanzi is taken back for Chinese.
      if (!isSingleByte(top.name) || !mostlyHighBytes(sample)) return top.name;
      const best = bestChinese(sample, matches);
      return best && best.score >= 0.9 ? best.encoding : top.name;
    }
    const rival = matches.find((m) => isChinese(m.name) && m.name !== top.name);
    if (!rival || top.confidence - rival.confidence >= 20) return top.name;
  }
  const best = bestChinese(sample, matches);
  if (best && best.score >= 0.5) return best.encoding;
  throw new DecodeError('the encoding could not be detected (save the file as UTF-8 and import it again)', {
    key: 'error.undetectable',
  });
}

/** The better Chinese reading of the sample, if either decodes cleanly; ties go to chardet's order, then GB18030. */
function bestChinese(
  sample: Uint8Array,
  matches: { name: string; confidence: number }[],
): { encoding: ChineseEncoding; score: number } | null {
  const rank = (e: ChineseEncoding): number => matches.find((m) => m.name === e)?.confidence ?? 0;
  const candidates = (['GB18030', 'Big5'] as const)
    .filter((e) => countReplacements(iconv.decode(toBuffer(sample), e, { stripBOM: false })) === 0)
    .map((encoding) => ({ encoding, score: chineseScore(sample, encoding) }));
  candidates.sort((a, b) => b.score - a.score || rank(b.encoding) - rank(a.encoding));
  return candidates[0] ?? null;
}

/**
 * The share of the sample's hanzi that fall in the encoding's own block of frequent characters:
 * GB2312 level 1 (B0A1-D7FE, the 3,755 most used simplified hanzi) or Big5's 常用字 (A440-C67E, 5,401
 * traditional). Read with the right encoding an article scores near 1; read with the wrong one its
 * bytes land in rare hanzi, kana, Cyrillic or private-use codes. Punctuation rows (lead A1-A3) count for
 * neither side, since both encodings keep symbols there. The standards' own tiers stand in for a
 * frequency table, so nothing is hand-maintained.
 */
function chineseScore(sample: Uint8Array, encoding: ChineseEncoding): number {
  let hanzi = 0;
  let common = 0;
  for (let i = 0; i < sample.length; ) {
    const lead = sample[i]!;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    const trail = sample[i + 1] ?? 0;
    if (encoding === 'GB18030' && trail >= 0x30 && trail <= 0x39) {
      hanzi += 1; // four-byte GB18030: outside GBK, so never common
      i += 4;
      continue;
    }
    i += 2;
    if (lead >= 0xa1 && lead <= 0xa3) continue;
    hanzi += 1;
    const code = (lead << 8) | trail;
    const isCommon =
      encoding === 'GB18030'
        ? lead >= 0xb0 && lead <= 0xd7 && trail >= 0xa1 && trail <= 0xfe
        : code >= 0xa440 && code <= 0xc67e;
    if (isCommon) common += 1;
  }
  return hanzi === 0 ? 0 : common / hanzi;
}

function mostlyHighBytes(sample: Uint8Array): boolean {
  let high = 0;
  let letters = 0;
  for (const b of sample) {
    if (b >= 0x80) high++;
    else if ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a) letters++;
  }
  return high >= letters;
}

/** chardet's names for GB encodings all become GB18030, the superset iconv-lite decodes. */
function readableName(name: string): string {
  const upper = name.toUpperCase();
  if (upper === 'GB18030' || upper === 'GBK' || upper === 'GB2312' || upper === 'GB_2312-80') return 'GB18030';
  if (upper === 'BIG5' || upper === 'BIG5-HKSCS') return 'Big5';
  return name;
}

function isChinese(name: string): name is ChineseEncoding {
  return name === 'GB18030' || name === 'Big5';
}

function isSingleByte(name: string): boolean {
  return /^(ISO-8859-|windows-|KOI8-)/i.test(name);
}

/** The head of the file, cut after a line end so no multi-byte character is split. */
function sampleOf(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= SAMPLE_BYTES) return bytes;
  const head = bytes.subarray(0, SAMPLE_BYTES);
  // Bytes below 0x30 are never part of a GB18030, Big5, Shift_JIS or EUC multi-byte sequence.
  const newline = head.lastIndexOf(0x0a);
  if (newline > 0) return head.subarray(0, newline + 1);
  for (let i = head.length - 1; i > 0; i--) {
    if (head[i]! < 0x30) return head.subarray(0, i + 1);
  }
  return head;
}

/**
 * True when more than 5% of the characters are control characters other than tab, line breaks, form
 * feed and escape: real text has at most a stray one, while binary read as text has one byte in eight.
 * C1 controls count only in decoded text; in raw bytes 0x80-0x9F are ordinary GBK lead and trail bytes.
 */
function isMostlyControl(text: string, countC1 = true): boolean {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const c0 = c < 0x20 && !(c >= 0x09 && c <= 0x0d) && c !== 0x1b;
    if (c0 || c === 0x7f || (countC1 && c >= 0x80 && c <= 0x9f)) {
      controls += 1;
    }
  }
  return controls > text.length * 0.05;
}

function strictDecode(label: 'utf-8' | 'utf-16le' | 'utf-16be', bytes: Uint8Array, name: string): string {
  const text = tryStrictDecode(label, bytes);
  if (text === null) {
    throw new DecodeError(`the file says it is ${name} (it starts with a byte-order mark) but is not valid ${name}`, {
      key: 'error.badBom',
      params: { encoding: name },
    });
  }
  return text;
}

function tryStrictDecode(label: 'utf-8' | 'utf-16le' | 'utf-16be', bytes: Uint8Array): string | null {
  try {
    // ignoreBOM keeps a second U+FEFF as text: offsets must count every character the file holds.
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function countReplacements(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) n++;
  return n;
}

/** How many U+FFFD the file itself spells out (GB18030 can; Big5 cannot), so the decoder is not blamed for them. */
function countInSource(bytes: Uint8Array, encoding: string): number {
  const needle = iconv.encode('\ufffd', encoding);
  if (iconv.decode(needle, encoding) !== '\ufffd') return 0;
  const haystack = toBuffer(bytes);
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
