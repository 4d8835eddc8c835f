/**
 * One menu model, two renderers: the native application menu and the browser build's menu bar show
 * the same items (id, label, command, checked, enabled) in the same order. The native menu may add
 * Electron roles and a hidden second redo key; the page may not add anything.
 */
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../src/shared/host';
import { translate } from '../../src/shared/i18n';
import type { Locale } from '../../src/shared/types';
import { pageMenus } from '../../src/renderer/components/menuItems';
import { menuTemplate } from '../../src/main/shell/menu';

// No Electron binary here; the template is plain data, only buildAppMenu needs Electron's Menu.
vi.mock('electron', () => ({ Menu: { buildFromTemplate: () => null } }));

/** What the native menu's items sent when clicked. */
const sends: MenuCommand[] = [];

interface Seen {
  id: string;
  label: string;
  command?: MenuCommand;
  checked?: boolean;
  enabled: boolean;
}

/** The native menu's command items, submenus flattened as "Submenu: item", with what a click sends. */
function nativeItems(template: MenuItemConstructorOptions[]): { menu: string; items: Seen[] }[] {
  const walk = (items: MenuItemConstructorOptions[], prefix: string): Seen[] =>
    items.flatMap((item): Seen[] => {
      if (item.type === 'separator' || item.visible === false || (item.role && !item.submenu)) return [];
      if (Array.isArray(item.submenu)) return walk(item.submenu, `${prefix}${item.label}: `);
      sends.length = 0;
      (item.click as unknown as (() => void) | undefined)?.();
      const sent = sends[0];
      return [{ id: item.id!, label: prefix + item.label!, ...(sent ? { command: sent } : {}), ...(item.type === 'radio' ? { checked: item.checked ?? false } : {}), enabled: item.enabled !== false }];
    });
  return template
    .filter((m) => m.role !== 'appMenu')
    .map((m) => ({ menu: m.label!, items: walk(m.submenu as MenuItemConstructorOptions[], '') }));
}

function pageItems(locale: Locale, state: Parameters<typeof pageMenus>[0]): { menu: string; items: Seen[] }[] {
  return pageMenus(state, { hasDocument: true }, (key) => translate(locale, key)).map((m) => ({
    menu: m.label,
    items: m.items.flatMap((i): Seen[] =>
      i === 'separator'
        ? []
        : [{ id: i.id, label: i.label, ...(i.command ? { command: i.command } : {}), ...(i.checked !== undefined ? { checked: i.checked } : {}), enabled: !i.disabled }],
    ),
  }));
}

const native = (locale: Locale, platform: NodeJS.Platform, recentCorpora: string[]) =>
  nativeItems(
    menuTemplate({ locale, localeSetting: 'zh-CN', recentCorpora, exportOffsets: 'utf16', isPackaged: false, platform, send: (c) => void sends.push(c) }),
  );
const page = (locale: Locale, recentCorpora: string[]) =>
  pageItems(locale, { recentCorpora, localeSetting: 'zh-CN', exportOffsets: 'utf16', mac: false, developer: false });

/** The native menu shows a recent corpus as "name  (folder)", the page its whole path. */
const withoutPaths = (menus: { menu: string; items: Seen[] }[]) =>
  menus.map((m) => ({ ...m, items: m.items.map((i) => (i.id.startsWith('recent:/') ? { ...i, label: '(path)' } : i)) }));

describe('menu model', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      it(`native (${platform}) and in-page menus show the same items in ${locale}`, () => {
        const recent = ['/news/2026 & co/a.loupe', '/news/b.loupe'];
        const nativeMenus = native(locale, platform, recent);
        expect(withoutPaths(nativeMenus)).toEqual(withoutPaths(page(locale, recent)));
        const recentLabels = nativeMenus[0]!.items.filter((i) => i.id.startsWith('recent:')).map((i) => i.label);
        expect(recentLabels[0]).toMatch(/: a\.loupe {2}\(\/news\/2026 && co\)$/);
      });
    }
  }

  it('with no recent corpora both show the one disabled line', () => {
    const nativeRecent = native('en', 'linux', [])[0]!.items.filter((i) => i.id.startsWith('recent:'));
    const pageRecent = page('en', [])[0]!.items.filter((i) => i.id.startsWith('recent:'));
    expect(nativeRecent).toEqual([{ id: 'recent:none', label: 'Open recent: No recent corpora', enabled: false }]);
    expect(pageRecent).toEqual(nativeRecent);
  });

  it('the page shows the keys it answers, the native menu its accelerators, the hidden second redo key only natively', () => {
    const template = menuTemplate({ locale: 'en', localeSetting: null, recentCorpora: [], exportOffsets: 'codepoint', isPackaged: true, platform: 'linux', send: () => undefined });
    const edit = template.find((m) => m.label === 'Edit')!.submenu as MenuItemConstructorOptions[];
    expect(edit.filter((i) => i.label === 'Redo').map((i) => [i.accelerator, i.visible ?? true])).toEqual([
      ['Ctrl+Y', true],
      ['Ctrl+Shift+Z', false],
    ]);
    const file = pageMenus({ recentCorpora: [], localeSetting: null, exportOffsets: 'codepoint', mac: false, developer: false }, { hasDocument: false }, (k) => translate('en', k))[0]!;
    const entries = file.items.filter((i) => i !== 'separator');
    expect(entries.find((i) => i.id === 'save')?.shortcut).toBe('Ctrl+S');
    // Ctrl+N in a browser opens a window: the page does not claim it.
    expect(entries.find((i) => i.id === 'new-corpus')?.shortcut).toBeUndefined();
    expect(entries.filter((i) => i.id.startsWith('export-document:')).every((i) => i.disabled)).toBe(true);
    expect(file.items.at(-1)).not.toBe('separator');
  });
});
