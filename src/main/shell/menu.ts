/**
 * The native application menu. Every Loupe action is sent to the renderer as a `MenuCommand` (the
 * renderer owns documents, saving and the editor's history); only clipboard, zoom, full screen and
 * developer items use Electron roles. Rebuilt when the locale or the recent corpora change.
 */
import path from 'node:path';
import { EXPORT_FORMAT_INFO, IMPORT_FORMAT_NAMES } from '../../shared/formats';
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/host';
import { translate } from '../../shared/i18n';
import { IMPORT_FORMATS, MENU_EXPORT_FORMATS, OFFSET_UNITS, type Locale, type OffsetUnit } from '../../shared/types';

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

/** Shown in their own language whatever the UI language is. */
const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

/** On Windows and Linux "&" marks a mnemonic; a file name's own "&" must be doubled. */
const literal = (text: string): string => text.replace(/&/g, '&&');

/** Builds the menu template; separate from `buildAppMenu` to keep the structure readable. */
export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { locale, send, platform } = options;
  const t = (key: string): string => translate(locale, key);
  const isMac = platform === 'darwin';
  const command = (c: MenuCommand) => () => send(c);
  const exportItems = (scope: 'corpus' | 'document'): MenuItemConstructorOptions[] =>
    MENU_EXPORT_FORMATS.map((format) => ({ label: EXPORT_FORMAT_INFO[format].name, click: command({ type: 'export', scope, format }) }));

  const recent: MenuItemConstructorOptions[] = options.recentCorpora.map((file) => ({
    label: literal(`${path.basename(file)}  (${path.dirname(file)})`),
    click: command({ type: 'open-recent', path: file }),
  }));

  const file: MenuItemConstructorOptions = {
    label: t('menu.file'),
    submenu: [
      { label: t('menu.newCorpus'), accelerator: 'CmdOrCtrl+N', click: command({ type: 'new-corpus' }) },
      { label: t('menu.openCorpus'), accelerator: 'CmdOrCtrl+O', click: command({ type: 'open-corpus' }) },
      { label: t('menu.openReadOnly'), click: command({ type: 'open-corpus', readOnly: true }) },
      {
        label: t('menu.openRecent'),
        submenu: recent.length > 0 ? recent : [{ label: t('menu.noRecent'), enabled: false }],
      },
      { label: t('menu.saveCopy'), click: command({ type: 'save-copy' }) },
      { label: t('menu.restoreBackup'), click: command({ type: 'restore-backup' }) },
      { type: 'separator' },
      { label: t('menu.import'), accelerator: 'CmdOrCtrl+I', click: command({ type: 'import' }) },
      { label: t('menu.importFolder'), click: command({ type: 'import', folder: true }) },
      {
        label: t('menu.importAs'),
        submenu: [
          { label: t('menu.importAuto'), click: command({ type: 'import', format: 'auto' }) },
          { type: 'separator' },
          ...IMPORT_FORMATS.map((format) => ({ label: IMPORT_FORMAT_NAMES[format], click: command({ type: 'import', format }) })),
        ],
      },
      { type: 'separator' },
      { label: t('menu.exportDialog'), accelerator: 'CmdOrCtrl+Shift+E', click: command({ type: 'export-dialog' }) },
      { label: t('menu.exportCorpus'), submenu: exportItems('corpus') },
      { label: t('menu.exportDocument'), submenu: exportItems('document') },
      {
        label: t('menu.exportOffsets'),
        submenu: OFFSET_UNITS.map((offsets) => ({
          label: t(`offsets.${offsets}`),
          type: 'radio' as const,
          checked: options.exportOffsets === offsets,
          click: command({ type: 'set-export-offsets', offsets }),
        })),
      },
      { type: 'separator' },
      { label: t('menu.save'), accelerator: 'CmdOrCtrl+S', click: command({ type: 'save' }) },
      // macOS keeps Quit in the application menu
      ...(isMac ? [] : [{ type: 'separator' } as const, { label: t('menu.quit'), role: 'quit' } as const]),
    ],
  };

  // The editor owns undo history (text and spans together), so undo/redo are commands, not roles.
  // Both redo shortcuts are conventional on every platform; the second one rides on a hidden item.
  const redoKeys = isMac ? ['Cmd+Shift+Z', 'Cmd+Y'] : ['Ctrl+Y', 'Ctrl+Shift+Z'];
  const edit: MenuItemConstructorOptions = {
    label: t('menu.edit'),
    submenu: [
      { label: t('menu.undo'), accelerator: 'CmdOrCtrl+Z', click: command({ type: 'undo' }) },
      { label: t('menu.redo'), accelerator: redoKeys[0], click: command({ type: 'redo' }) },
      {
        label: t('menu.redo'),
        accelerator: redoKeys[1],
        visible: false,
        acceleratorWorksWhenHidden: true,
        click: command({ type: 'redo' }),
      },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
      { type: 'separator' },
      { label: t('menu.toggleMode'), accelerator: 'CmdOrCtrl+E', click: command({ type: 'toggle-mode' }) },
      { type: 'separator' },
      { label: t('schema.menu'), click: command({ type: 'edit-schema' }) },
    ],
  };

  const language: MenuItemConstructorOptions = {
    label: t('menu.language'),
    submenu: [
      {
        label: t('menu.languageSystem'),
        type: 'radio',
        checked: options.localeSetting === null,
        click: command({ type: 'set-locale', locale: null }),
      },
      { type: 'separator' },
      ...(Object.keys(LANGUAGE_NAMES) as Locale[]).map(
        (l): MenuItemConstructorOptions => ({
          label: LANGUAGE_NAMES[l],
          type: 'radio',
          checked: options.localeSetting === l,
          click: command({ type: 'set-locale', locale: l }),
        }),
      ),
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: t('menu.view'),
    submenu: [
      language,
      { type: 'separator' },
      ...(options.isPackaged
        ? []
        : ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    label: t('menu.help'),
    role: 'help',
    submenu: [{ label: t('menu.about'), click: command({ type: 'about' }) }],
  };

  return [...(isMac ? [{ role: 'appMenu' } as const] : []), file, edit, view, help];
}

/** Builds the application menu for the given options. */
export function buildAppMenu(options: MenuOptions): Menu {
  return Menu.buildFromTemplate(menuTemplate(options));
}
