import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeText } from '../../src/main/formats/decode';
import { parsePlainText } from '../../src/main/formats/plainText';
import { CORPUS_FIXTURES } from '../fixturePaths';

const corpus = CORPUS_FIXTURES;

describe('parsePlainText', () => {
  it('makes one paragraph per non-blank line, joined by a single newline', () => {
    const raw = '\n\n标题\r\n\r\n  第一段。  \r第二段。\n\u3000\u3000第三段。\u3000\n\n';
    const article = parsePlainText(raw, 'a.txt', 'UTF-8');
    expect(article.text).toBe('标题\n第一段。\n第二段。\n第三段。');
    expect(article.title).toBe('标题');
    expect(article.meta).toEqual({ fileName: 'a.txt', encoding: 'UTF-8' });
  });

  it('uses the given title but keeps the first line in the text', () => {
    const article = parsePlainText('第一行\n第二行', 'b.txt', 'GB18030', { title: '另一个标题' });
    expect(article.title).toBe('另一个标题');
    expect(article.text).toBe('第一行\n第二行');
  });

  it('falls back to the first line when the given title is blank', () => {
    expect(parsePlainText('第一行\n第二行', 'b.txt', 'UTF-8', { title: '  ' }).title).toBe('第一行');
  });

  it('strips a leading U+FEFF', () => {
    expect(parsePlainText('\ufeff标题\n正文', 'c.txt', 'UTF-8').text).toBe('标题\n正文');
  });

  it.each(['', '\n\n', ' \t\r\n\u3000\r\n', '\ufeff\r\n'])('refuses text with no words (%j)', (raw) => {
    expect(() => parsePlainText(raw, 'empty.txt', 'UTF-8')).toThrow(DecodeError);
    expect(() => parsePlainText(raw, 'empty.txt', 'UTF-8')).toThrow('the file has no text');
  });

  it('refuses a whitespace-only file end to end', () => {
    const decoded = decodeText(new TextEncoder().encode('  \r\n\u3000\u3000\r\n\t\n'));
    expect(() => parsePlainText(decoded.text, 'blank.txt', decoded.encoding)).toThrow('the file has no text');
  });

  it('keeps astral characters, ZWJ sequences and combining accents of tricky-offsets.txt intact', () => {
    const decoded = decodeText(new Uint8Array(fs.readFileSync(path.join(corpus, 'tricky-offsets.txt'))));
    const article = parsePlainText(decoded.text, 'tricky-offsets.txt', decoded.encoding);
    const { text } = article;

    expect(article.meta.encoding).toBe('UTF-8 (BOM)');
    expect(text.startsWith('吉野家的“𠮷”字')).toBe(true);
    expect(text).not.toMatch(/[\r\ufeff]/);
    expect(text.endsWith('最后一段没有换行符。')).toBe(true);
    expect(text.split('\n')).toHaveLength(5);

    expect(text).toContain('𠮷');
    expect(text).toContain('👍🏽');
    expect(text).toContain('🇨🇳');
    const family = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}';
    expect(text).toContain(`emoji ${family} counts`);
    expect([...family]).toHaveLength(5);
    // Not NFC-composed: the decomposed é must stay two code points so offsets match the file.
    expect(text).toContain('Cafe\u0301 with');
    expect(text).toContain('Caf\u00e9 owner');
    expect(text.normalize('NFC')).not.toBe(text);
  });
});
