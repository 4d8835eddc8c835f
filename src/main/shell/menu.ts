/**
 * The native application menu, drawn from the shared menu model (src/shared/menu.ts). Every Loupe
 * action is sent to the renderer as a `MenuCommand` (the renderer owns documents, saving and the
 * editor's history); only clipboard, zoom, full screen and developer items use Electron roles.
 * Rebuilt when the locale or the recent corpora change.
 */
import path from 'node:path';
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/host';
import { translate } from '../../shared/i18n';
import { isMenuItemEnabled, menuModel, type MenuLabel, type MenuNode } from '../../shared/menu';
import type { Locale, OffsetUnit } from '../../shared/types';

export interface MenuOptions {
  /** The language of the labels. */
  locale: Locale;
  /** The saved language choice; null is "follow the system". */
  localeSetting: Locale | null;
  recentCorpora: readonly string[];
  /** The offset unit exports use (a radio group in File). */
  exportOffsets: OffsetUnit;
  /** Reload and developer tools only exist in development builds. */
  isPackaged: boolean;
  platform: NodeJS.Platform;
  send(command: MenuCommand): void;
}

/** On Windows and Linux "&" marks a mnemonic; a file name's own "&" must be doubled. */
const literal = (text: string): string => text.replace(/&/g, '&&');

/** Builds the menu template from the shared model. */
export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { locale, send } = options;
  const isMac = options.platform === 'darwin';
  const label = (l: MenuLabel): string =>
    'key' in l ? translate(locale, l.key) : 'text' in l ? l.text : literal(`${path.basename(l.path)}  (${path.dirname(l.path)})`);

  const render = (node: MenuNode): MenuItemConstructorOptions => {
    switch (node.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'role':
        return { role: node.role };
      case 'submenu':
        return { id: node.id, label: label(node.label), ...(node.role ? { role: node.role } : {}), submenu: node.items.map(render) };
      case 'item': {
        const command = node.command;
        return {
          id: node.id,
          label: label(node.label),
          ...(node.accelerator ? { accelerator: node.accelerator } : {}),
          ...(node.checked !== undefined ? { type: 'radio' as const, checked: node.checked } : {}),
          ...(node.alias ? { visible: false, acceleratorWorksWhenHidden: true } : {}),
          // The shell does not know whether a document is open: the renderer ignores a document
          // export without one.
          ...(isMenuItemEnabled(node, { hasDocument: true }) ? {} : { enabled: false }),
          ...(command ? { click: () => send(command) } : {}),
        };
      }
    }
  };

  const menus = menuModel({
    recentCorpora: options.recentCorpora,
    localeSetting: options.localeSetting,
    exportOffsets: options.exportOffsets,
    mac: isMac,
    developer: !options.isPackaged,
  }).map(render);
  return [...(isMac ? [{ role: 'appMenu' } as const] : []), ...menus];
}

/** Builds the application menu for the given options. */
export function buildAppMenu(options: MenuOptions): Menu {
  return Menu.buildFromTemplate(menuTemplate(options));
}
