import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLocale, messages, translate } from '../../src/shared/i18n';
import { cspDirectives } from '../../src/shared/csp';
import { LOUPE_VERSION } from '../../src/shared/version';

describe('UI strings', () => {
  it('pick Simplified Chinese for any Chinese system language, English otherwise', () => {
    expect(detectLocale(['zh-TW', 'en'])).toBe('zh-CN');
    expect(detectLocale(['zh'])).toBe('zh-CN');
    expect(detectLocale(['fr-FR', 'en-GB'])).toBe('en');
    expect(detectLocale([])).toBe('en');
  });

  it('have a Chinese text for every English one, and fill placeholders', () => {
    const missing = Object.entries(messages['zh-CN']).filter(([, text]) => !text.trim());
    expect(missing).toEqual([]);
    // 语料库：样例, with a full-width colon (escaped here so no editor can turn it into ASCII)
    expect(translate('zh-CN', 'status.corpus', { name: '样例' })).toBe('\u8bed\u6599\u5e93\uff1a\u6837\u4f8b');
    expect(translate('en', 'menu.file')).toBe('File');
  });

  it('in Chinese use full-width punctuation next to Chinese characters', () => {
    const ascii = Object.entries(messages['zh-CN']).filter(([, text]) =>
      /[\u4e00-\u9fff][,:;?!()]|[,:;!()][\u4e00-\u9fff]/.test(text),
    );
    expect(ascii).toEqual([]);
  });
});

describe('version', () => {
  it('written into exports is the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(LOUPE_VERSION).toBe(pkg.version);
  });
});

describe('Content-Security-Policy', () => {
  it('of index.html is the shared policy (less frame-ancestors, which a meta tag cannot carry)', () => {
    const html = fs.readFileSync(path.resolve(__dirname, '../../src/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1];
    expect(meta?.split('; ')).toEqual(cspDirectives().filter((d) => !d.startsWith('frame-ancestors')));
  });
});
