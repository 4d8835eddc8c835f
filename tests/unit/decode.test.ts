import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeText } from '../../src/main/formats/decode';
import { parsePlainText } from '../../src/main/formats/plainText';
import { CORPUS_FIXTURES } from '../fixturePaths';

const corpus = CORPUS_FIXTURES;
const read = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(corpus, name)));

const BINARY = 'not a text file (it contains binary data)';

function decodeError(bytes: Uint8Array): string {
  try {
    decodeText(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return (error as DecodeError).message;
  }
  throw new Error('decodeText accepted the bytes');
}

/** A small deterministic byte generator, so a failing case can be replayed. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  let state = seed;
  return Uint8Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return (state >> 16) & 0xff;
  });
}

describe('decodeText on the sample corpus', () => {
  it('reads the Jinzhong article identically from UTF-8, GB18030 and UTF-16LE with BOM', () => {
    const files = [
      ['jinzhong-two-sessions.txt', 'UTF-8'],
      ['jinzhong-two-sessions.gb18030.txt', 'GB18030'],
      ['jinzhong-two-sessions.utf16le-bom.txt', 'UTF-16LE'],
    ] as const;
    const articles = files.map(([name, encoding]) => {
      const decoded = decodeText(read(name));
      expect(decoded.encoding, name).toBe(encoding);
      return parsePlainText(decoded.text, name, decoded.encoding);
    });

    const utf8Source = fs.readFileSync(path.join(corpus, 'jinzhong-two-sessions.txt'), 'utf8');
    const nonBlankLines = utf8Source.split('\n').filter((line) => line.trim() !== '').length;
    for (const article of articles) {
      expect(article.title).toBe('攀“高”逐“新” 共绘美好未来');
      expect(article.text).toContain('赵宏钟');
      expect(article.text.split('\n')).toHaveLength(nonBlankLines);
      expect(article.text).toBe(articles[0]!.text);
    }
    expect(articles.map((a) => a.meta.encoding)).toEqual(['UTF-8', 'GB18030', 'UTF-16LE']);
  });

  it('reads the Taipei briefing identically from Big5 and UTF-16BE with BOM', () => {
    const big5 = decodeText(read('taipei-briefing.big5.txt'));
    const utf16 = decodeText(read('taipei-briefing.utf16be-bom.txt'));
    expect(big5.encoding).toBe('Big5');
    expect(utf16.encoding).toBe('UTF-16BE');
    expect(big5.text).toBe(utf16.text);
    expect(big5.text).toContain('交通局長陳志明表示:「捷運環狀線將在明年底前全線通車。」');
  });

  it('strips the UTF-8 BOM of tricky-offsets.txt but leaves line ends to the parser', () => {
    const decoded = decodeText(read('tricky-offsets.txt'));
    expect(decoded.encoding).toBe('UTF-8 (BOM)');
    expect(decoded.text.startsWith('吉野家')).toBe(true);
    expect(decoded.text).toContain('\r\n');
  });

  it('recognises UTF-16 without a BOM when the NUL pattern is unmistakable', () => {
    const withBom = read('jinzhong-two-sessions.utf16le-bom.txt');
    const decoded = decodeText(withBom.subarray(2));
    expect(decoded.encoding).toBe('UTF-16LE');
    expect(decoded.text).toBe(decodeText(withBom).text);

    const be = decodeText(read('taipei-briefing.utf16be-bom.txt').subarray(2));
    expect(be.encoding).toBe('UTF-16BE');
    expect(be.text).toContain('交通局長');
  });
});

describe('decodeText on short legacy Chinese', () => {
  // Too short for chardet to be sure; the GB18030/Big5 tie-breaker has to get these right.
  it.each(['我们会坚持高质量发展', '攀“高”逐“新” 共绘美好未来', '记者从市政府获悉', '三是围绕'])(
    'detects %s encoded as GB18030',
    (source) => {
      const bytes = iconv.encode(source, 'gb18030');
      expect(iconv.decode(bytes, 'gb18030')).toBe(source);
      expect(decodeText(bytes)).toEqual({ text: source, encoding: 'GB18030' });
    },
  );

  it.each(['這個問題很複雜', '交通局長陳志明表示', '市議員林美華回應說', '新聞'])(
    'detects %s encoded as Big5',
    (source) => {
      const bytes = iconv.encode(source, 'big5');
      expect(iconv.decode(bytes, 'big5')).toBe(source);
      expect(decodeText(bytes)).toEqual({ text: source, encoding: 'Big5' });
    },
  );

  it('keeps valid UTF-8 as UTF-8 even when it would also decode as GB18030', () => {
    const bytes = new TextEncoder().encode('市长表示');
    expect(decodeText(bytes)).toEqual({ text: '市长表示', encoding: 'UTF-8' });
  });

  it('reads a Latin-1 text as a single-byte code page, not as Chinese', () => {
    const decoded = decodeText(iconv.encode('Café owner José said he would reopen.\n', 'windows-1252'));
    expect(decoded.text).toBe('Café owner José said he would reopen.\n');
    expect(decoded.encoding).toMatch(/^(ISO-8859-1|windows-1252)$/);
  });
});

describe('decodeText refusals', () => {
  it('refuses an empty file and a file holding only a BOM', () => {
    expect(decodeError(new Uint8Array())).toBe('the file is empty');
    expect(decodeError(new Uint8Array([0xef, 0xbb, 0xbf]))).toBe('the file is empty');
  });

  it('refuses a PNG', () => {
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
      ...pseudoRandomBytes(500, 1),
    ]);
    expect(decodeError(png)).toBe(BINARY);
  });

  it('refuses random bytes, with and without NULs', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const bytes = pseudoRandomBytes(2000, seed);
      expect(decodeError(bytes), `seed ${seed}`).toBe(BINARY);
      expect(decodeError(bytes.map((b) => b || 0x41)), `seed ${seed} without NULs`).toBe(BINARY);
    }
  });

  it('refuses UTF-8 text with NULs scattered through it', () => {
    const bytes = new TextEncoder().encode('市长表示\0明年\0将推动\0\0三项改革');
    expect(decodeError(bytes)).toBe(BINARY);
  });

  it('refuses a GB18030 file with an undecodable byte instead of inventing U+FFFD', () => {
    const good = read('jinzhong-two-sessions.gb18030.txt');
    const lineStart = good.indexOf(0x0a, 100) + 1; // a character boundary in any ASCII-compatible encoding
    const broken = new Uint8Array([...good.subarray(0, lineStart), 0x81, 0x20, ...good.subarray(lineStart)]);
    expect(decodeError(broken)).toMatch(/^the text is not valid GB18030 \(1 undecodable byte sequence\)$/);
  });

  it('refuses a UTF-8 BOM followed by invalid UTF-8', () => {
    expect(decodeError(new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0xc3, 0x28]))).toMatch(/not valid UTF-8/);
  });

  it('keeps a U+FFFD that the source itself contains', () => {
    const bytes = new TextEncoder().encode('替换字符 \ufffd 在原文中');
    expect(decodeText(bytes).text).toBe('替换字符 \ufffd 在原文中');
  });

  it('refuses a file over the 64 MB import limit', () => {
    expect(decodeError(new Uint8Array(64 * 1024 * 1024 + 1).fill(0x41))).toBe(
      'the file is larger than the 64 MB import limit',
    );
  });
});
