import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderOf, isAbsolutePath, resolvePath } from '../../src/shared/paths';

describe('paths in the page (the full path a typed one stands for)', () => {
  it('resolve as Node resolves them on POSIX', () => {
    const base = '/home/ed/corpora';
    for (const typed of ['x.loupe', './a/../x.loupe', '../x.loupe', '/srv/y.loupe', '/srv//z/./y.loupe', 'a b/新闻.loupe', '../../../../x']) {
      expect(resolvePath(base, typed), typed).toBe(path.posix.resolve(base, typed));
    }
    expect(folderOf('/home/ed/corpora/news.loupe')).toBe('/home/ed/corpora');
    expect(folderOf('/news.loupe')).toBe('/');
  });

  it('resolve as Node resolves them on Windows, told apart by the folder they are taken from', () => {
    const base = 'C:\\Users\\ed\\corpora';
    for (const typed of ['x.loupe', '..\\x.loupe', 'a/b.loupe', 'D:\\data\\y.loupe', 'C:/data/./y.loupe']) {
      expect(resolvePath(base, typed), typed).toBe(path.win32.resolve(base, typed));
    }
    expect(folderOf('C:\\Users\\ed\\news.loupe')).toBe('C:\\Users\\ed');
    expect(folderOf('C:\\news.loupe')).toBe('C:\\');
    expect(isAbsolutePath('C:\\x')).toBe(true);
    expect(isAbsolutePath('x\\y')).toBe(false);
  });
});
