/**
 * The browser build's stand-in for Electron's native menus: the same model (src/shared/menu.ts),
 * drawn in the page.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MenuCommand } from '../../shared/host';
import { DEFAULT_MENU_STATE } from '../../shared/menu';
import type { Locale, OffsetUnit } from '../../shared/types';
import { pageMenus } from './menuItems';

interface Props {
  recent: string[];
  locale: Locale | null;
  exportOffsets: OffsetUnit;
  hasDocument: boolean;
  onCommand(command: MenuCommand): void;
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

  const menus = pageMenus(
    { ...DEFAULT_MENU_STATE, recentCorpora: recent, localeSetting: locale, exportOffsets },
    { hasDocument },
    (key) => t(key),
  );

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
                    key={item.id}
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
