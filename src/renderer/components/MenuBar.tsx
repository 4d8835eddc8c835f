/**
 * The browser build's stand-in for Electron's native menus: the same commands, in the page.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MenuCommand } from '../../shared/host';
import { EXPORT_FORMAT_INFO, IMPORT_FORMAT_NAMES } from '../../shared/formats';
import type { Locale, OffsetUnit } from '../../shared/types';
import { IMPORT_FORMATS, OFFSET_UNITS } from '../../shared/types';

/** The formats the in-page menu exports directly; the others are in File › Export…. */
const QUICK_EXPORT_FORMATS = ['jsonl', 'json', 'csv', 'xlsx'] as const;

interface Props {
  recent: string[];
  locale: Locale | null;
  exportOffsets: OffsetUnit;
  hasDocument: boolean;
  onCommand(command: MenuCommand): void;
}

interface Item {
  label: string;
  command?: MenuCommand;
  disabled?: boolean;
  checked?: boolean;
  shortcut?: string;
}


export function MenuBar({ recent, locale, exportOffsets, hasDocument, onCommand }: Props) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  const barRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!barRef.current?.contains(e.target as Node)) setOpen(null);
    };
    const escape = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(null);
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', escape);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', escape);
    };
  }, [open]);

  const menus: { id: string; label: string; items: (Item | 'separator')[] }[] = [
    {
      id: 'file',
      label: t('menu.file'),
      items: [
        { label: t('menu.newCorpus'), command: { type: 'new-corpus' } },
        { label: t('menu.openCorpus'), command: { type: 'open-corpus' } },
        { label: t('menu.openReadOnly'), command: { type: 'open-corpus', readOnly: true } },
        ...(recent.length
          ? recent.map((path) => ({ label: `${t('menu.openRecent')}: ${path}`, command: { type: 'open-recent', path } as MenuCommand }))
          : [{ label: t('menu.noRecent'), disabled: true }]),
        { label: t('menu.saveCopy'), command: { type: 'save-copy' } },
        { label: t('menu.restoreBackup'), command: { type: 'restore-backup' } },
        'separator',
        { label: t('menu.import'), command: { type: 'import' } },
        { label: t('menu.importFolder'), command: { type: 'import', folder: true } },
        ...IMPORT_FORMATS.map((format) => ({
          label: `${t('menu.importAs')}: ${IMPORT_FORMAT_NAMES[format]}`,
          command: { type: 'import', format } as MenuCommand,
        })),
        'separator',
        { label: t('menu.exportDialog'), command: { type: 'export-dialog' } },
        ...QUICK_EXPORT_FORMATS.map((format) => ({
          label: `${t('menu.exportCorpus')}: ${EXPORT_FORMAT_INFO[format].name}`,
          command: { type: 'export', scope: 'corpus', format } as MenuCommand,
        })),
        ...QUICK_EXPORT_FORMATS.map((format) => ({
          label: `${t('menu.exportDocument')}: ${EXPORT_FORMAT_INFO[format].name}`,
          command: { type: 'export', scope: 'document', format } as MenuCommand,
          disabled: !hasDocument,
        })),
        ...OFFSET_UNITS.map((offsets) => ({
          label: `${t('menu.exportOffsets')}: ${t(`offsets.${offsets}`)}`,
          command: { type: 'set-export-offsets', offsets } as MenuCommand,
          checked: exportOffsets === offsets,
        })),
        'separator',
        { label: t('menu.save'), command: { type: 'save' }, shortcut: 'Ctrl+S' },
      ],
    },
    {
      id: 'edit',
      label: t('menu.edit'),
      items: [
        { label: t('menu.undo'), command: { type: 'undo' }, shortcut: 'Ctrl+Z' },
        { label: t('menu.redo'), command: { type: 'redo' }, shortcut: 'Ctrl+Shift+Z' },
        { label: t('menu.toggleMode'), command: { type: 'toggle-mode' }, shortcut: 'E / Esc' },
        'separator',
        { label: t('schema.menu'), command: { type: 'edit-schema' } },
      ],
    },
    {
      id: 'view',
      label: t('menu.view'),
      items: [
        { label: `${t('menu.language')}: ${t('menu.languageSystem')}`, command: { type: 'set-locale', locale: null }, checked: locale === null },
        { label: `${t('menu.language')}: English`, command: { type: 'set-locale', locale: 'en' }, checked: locale === 'en' },
        { label: `${t('menu.language')}: 简体中文`, command: { type: 'set-locale', locale: 'zh-CN' }, checked: locale === 'zh-CN' },
      ],
    },
    { id: 'help', label: t('menu.help'), items: [{ label: t('menu.about'), command: { type: 'about' } }] },
  ];

  return (
    <div className="menu-bar" role="menubar" ref={barRef}>
      {menus.map((menu) => (
        <div key={menu.id} className="menu">
          <button
            type="button"
            role="menuitem"
            aria-haspopup="menu"
            aria-expanded={open === menu.id}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => setOpen(open === menu.id ? null : menu.id)}
            onMouseEnter={() => open && open !== menu.id && setOpen(menu.id)}
          >
            {menu.label}
          </button>
          {open === menu.id && (
            <div className="menu-popup" role="menu" aria-label={menu.label}>
              {menu.items.map((item, i) =>
                item === 'separator' ? (
                  <hr key={`sep-${i}`} role="separator" />
                ) : (
                  <button
                    key={item.label}
                    type="button"
                    role={item.checked === undefined ? 'menuitem' : 'menuitemradio'}
                    aria-checked={item.checked}
                    disabled={item.disabled}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => {
                      setOpen(null);
                      if (item.command) onCommand(item.command);
                    }}
                  >
                    <span>{item.label}</span>
                    {item.shortcut && <kbd>{item.shortcut}</kbd>}
                  </button>
                ),
              )}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}
