/**
 * Loupe's menus, defined once: every item's id, label (an i18n key, or a name shown as it is),
 * command, keys and when it is enabled. Two renderers draw it: the native application menu
 * (src/main/shell/menu.ts) and the browser build's in-page menu bar (src/renderer/components/
 * menuItems.ts). Items only a native menu can have (clipboard, zoom, quit) are Electron roles here,
 * which the page leaves out.
 */
import { EXPORT_FORMAT_INFO, IMPORT_FORMAT_NAMES } from './formats';
import type { MenuCommand } from './host';
import { IMPORT_FORMATS, MENU_EXPORT_FORMATS, OFFSET_UNITS, type Locale, type OffsetUnit } from './types';

/** What an item is called: a translated string, a name shown as it is, or a file's path. */
export type MenuLabel = { key: string } | { text: string } | { path: string };

/** Electron's built-in items a native menu may hold. */
export type NativeRole =
  | 'quit'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen';

export interface MenuCommandItem {
  kind: 'item';
  id: string;
  label: MenuLabel;
  command?: MenuCommand;
  /** The native accelerator, in Electron's syntax. */
  accelerator?: string;
  /**
   * The keys the page itself answers for this command, shown in the browser build's menu (which has
   * no accelerators of its own: Ctrl+N there opens a browser window).
   */
  pageKeys?: string;
  /** Enabled only while a document is open; always enabled when absent. */
  enabledWhen?: 'document' | 'never';
  /** A radio item: whether it is the chosen one. */
  checked?: boolean;
  /** A second accelerator for the item before it: a hidden native item, left out of the page. */
  alias?: boolean;
}

export interface MenuSubmenu {
  kind: 'submenu';
  id: string;
  label: MenuLabel;
  items: MenuNode[];
  /** The native role of the submenu itself (macOS's Help menu gets its search field from it). */
  role?: 'help';
}

export type MenuNode = MenuCommandItem | MenuSubmenu | { kind: 'separator' } | { kind: 'role'; role: NativeRole };

/** What the menus show that changes while Loupe runs, and where they are drawn. */
export interface MenuState {
  recentCorpora: readonly string[];
  /** The saved language choice; null is "follow the system". */
  localeSetting: Locale | null;
  exportOffsets: OffsetUnit;
  /** macOS: Quit lives in the application menu, redo keys differ. */
  mac: boolean;
  /** Development builds get reload and developer tools. */
  developer: boolean;
}

/** The state a menu is in when nothing is known (the page before settings load). */
export const DEFAULT_MENU_STATE: MenuState = { recentCorpora: [], localeSetting: null, exportOffsets: 'codepoint', mac: false, developer: false };

/** Shown in their own language whatever the UI language is. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

const SEPARATOR = { kind: 'separator' } as const;
const role = (r: NativeRole): MenuNode => ({ kind: 'role', role: r });
const item = (id: string, key: string, command: MenuCommand, extra: Partial<MenuCommandItem> = {}): MenuCommandItem => ({
  kind: 'item',
  id,
  label: { key },
  command,
  ...extra,
});

/** The application's menus (File, Edit, View, Help), in the state given. */
export function menuModel(state: MenuState): MenuSubmenu[] {
  const exportItems = (scope: 'corpus' | 'document'): MenuNode[] =>
    MENU_EXPORT_FORMATS.map((format) => ({
      kind: 'item',
      id: `export-${scope}:${format}`,
      label: { text: EXPORT_FORMAT_INFO[format].name },
      command: { type: 'export', scope, format },
      ...(scope === 'document' ? { enabledWhen: 'document' as const } : {}),
    }));
  const recent: MenuNode[] = state.recentCorpora.length
    ? state.recentCorpora.map((path) => ({ kind: 'item', id: `recent:${path}`, label: { path }, command: { type: 'open-recent', path } }))
    : [{ kind: 'item', id: 'recent:none', label: { key: 'menu.noRecent' }, enabledWhen: 'never' }];

  const file: MenuSubmenu = {
    kind: 'submenu',
    id: 'file',
    label: { key: 'menu.file' },
    items: [
      item('new-corpus', 'menu.newCorpus', { type: 'new-corpus' }, { accelerator: 'CmdOrCtrl+N' }),
      item('open-corpus', 'menu.openCorpus', { type: 'open-corpus' }, { accelerator: 'CmdOrCtrl+O' }),
      item('open-read-only', 'menu.openReadOnly', { type: 'open-corpus', readOnly: true }),
      { kind: 'submenu', id: 'open-recent', label: { key: 'menu.openRecent' }, items: recent },
      item('save-copy', 'menu.saveCopy', { type: 'save-copy' }),
      item('restore-backup', 'menu.restoreBackup', { type: 'restore-backup' }),
      SEPARATOR,
      item('handout', 'handout.menu', { type: 'handout' }),
      item('merge', 'merge.menu', { type: 'merge' }),
      SEPARATOR,
      item('import', 'menu.import', { type: 'import' }, { accelerator: 'CmdOrCtrl+I' }),
      item('import-folder', 'menu.importFolder', { type: 'import', folder: true }),
      {
        kind: 'submenu',
        id: 'import-as',
        label: { key: 'menu.importAs' },
        items: [
          item('import-as:auto', 'menu.importAuto', { type: 'import', format: 'auto' }),
          SEPARATOR,
          ...IMPORT_FORMATS.map((format): MenuNode => ({
            kind: 'item',
            id: `import-as:${format}`,
            label: { text: IMPORT_FORMAT_NAMES[format] },
            command: { type: 'import', format },
          })),
        ],
      },
      SEPARATOR,
      item('export-dialog', 'menu.exportDialog', { type: 'export-dialog' }, { accelerator: 'CmdOrCtrl+Shift+E' }),
      { kind: 'submenu', id: 'export-corpus', label: { key: 'menu.exportCorpus' }, items: exportItems('corpus') },
      { kind: 'submenu', id: 'export-document', label: { key: 'menu.exportDocument' }, items: exportItems('document') },
      {
        kind: 'submenu',
        id: 'export-offsets',
        label: { key: 'menu.exportOffsets' },
        items: OFFSET_UNITS.map((offsets) =>
          item(`offsets:${offsets}`, `offsets.${offsets}`, { type: 'set-export-offsets', offsets }, { checked: state.exportOffsets === offsets }),
        ),
      },
      SEPARATOR,
      item('save', 'menu.save', { type: 'save' }, { accelerator: 'CmdOrCtrl+S', pageKeys: 'Ctrl+S' }),
      // macOS keeps Quit in the application menu
      ...(state.mac ? [] : [SEPARATOR, role('quit')]),
    ],
  };

  // The editor owns undo history (text and spans together), so undo/redo are commands, not roles.
  // Both redo shortcuts are conventional on every platform; the second one rides on a hidden item.
  const redoKeys = state.mac ? ['Cmd+Shift+Z', 'Cmd+Y'] : ['Ctrl+Y', 'Ctrl+Shift+Z'];
  const edit: MenuSubmenu = {
    kind: 'submenu',
    id: 'edit',
    label: { key: 'menu.edit' },
    items: [
      item('undo', 'menu.undo', { type: 'undo' }, { accelerator: 'CmdOrCtrl+Z', pageKeys: 'Ctrl+Z' }),
      item('redo', 'menu.redo', { type: 'redo' }, { accelerator: redoKeys[0], pageKeys: 'Ctrl+Shift+Z' }),
      item('redo-alias', 'menu.redo', { type: 'redo' }, { accelerator: redoKeys[1], alias: true }),
      SEPARATOR,
      role('cut'),
      role('copy'),
      role('paste'),
      role('selectAll'),
      SEPARATOR,
      item('toggle-mode', 'menu.toggleMode', { type: 'toggle-mode' }, { accelerator: 'CmdOrCtrl+E', pageKeys: 'E / Esc' }),
      SEPARATOR,
      item('edit-schema', 'schema.menu', { type: 'edit-schema' }),
      item('set-annotator', 'annotator.menu', { type: 'set-annotator' }),
    ],
  };

  const language: MenuSubmenu = {
    kind: 'submenu',
    id: 'language',
    label: { key: 'menu.language' },
    items: [
      item('locale:system', 'menu.languageSystem', { type: 'set-locale', locale: null }, { checked: state.localeSetting === null }),
      SEPARATOR,
      ...(Object.keys(LANGUAGE_NAMES) as Locale[]).map(
        (locale): MenuNode => ({
          kind: 'item',
          id: `locale:${locale}`,
          label: { text: LANGUAGE_NAMES[locale] },
          command: { type: 'set-locale', locale },
          checked: state.localeSetting === locale,
        }),
      ),
    ],
  };

  const view: MenuSubmenu = {
    kind: 'submenu',
    id: 'view',
    label: { key: 'menu.view' },
    items: [
      item('agreement', 'agreement.menu', { type: 'agreement' }),
      item('curate', 'curate.menu', { type: 'curate' }, { enabledWhen: 'document' }),
      item('all-layers', 'lanes.menu', { type: 'all-layers' }, { enabledWhen: 'document' }),
      SEPARATOR,
      language,
      SEPARATOR,
      ...(state.developer ? [role('reload'), role('forceReload'), role('toggleDevTools'), SEPARATOR] : []),
      role('resetZoom'),
      role('zoomIn'),
      role('zoomOut'),
      SEPARATOR,
      role('togglefullscreen'),
    ],
  };

  const help: MenuSubmenu = {
    kind: 'submenu',
    id: 'help',
    label: { key: 'menu.help' },
    role: 'help',
    items: [item('about', 'menu.about', { type: 'about' })],
  };

  return [file, edit, view, help];
}

/** Whether an item can be chosen now. */
export function isMenuItemEnabled(entry: MenuCommandItem, context: { hasDocument: boolean }): boolean {
  if (entry.enabledWhen === 'never') return false;
  return entry.enabledWhen !== 'document' || context.hasDocument;
}
