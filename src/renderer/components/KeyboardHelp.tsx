/**
 * The keyboard help overlay (?): every key of annotate and edit mode, grouped. Esc or ? closes it.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageKey } from '../../shared/i18n/en';

/** The keys, in the order users meet them; each row is [keys, what they do]. */
export const KEY_GROUPS: { title: MessageKey; rows: [string, MessageKey][] }[] = [
  {
    title: 'keys.groupSelect',
    rows: [
      ['/  Ctrl+F', 'keys.find'],
      ['Q', 'keys.quote'],
      ['[  ]', 'keys.grow'],
      ['Shift+[  Shift+]', 'keys.shrink'],
      ['Alt+[  Alt+]', 'keys.punct'],
    ],
  },
  {
    title: 'keys.groupTag',
    rows: [
      ['1 2 3 4…', 'keys.tag'],
      ['Alt+1…', 'keys.fragment'],
      ['J / K,  Tab / Shift+Tab', 'keys.next'],
      ['Delete', 'keys.delete'],
      ['Esc', 'keys.escape'],
    ],
  },
  {
    title: 'keys.groupInspect',
    rows: [
      ['A', 'keys.attributes'],
      ['N', 'keys.note'],
      ['L', 'keys.link'],
      ['Tab / J / K', 'keys.linkCycle'],
      ['T', 'keys.linkType'],
      ['Enter', 'keys.linkConfirm'],
      ['Alt+drag', 'keys.linkDrag'],
    ],
  },
  {
    title: 'keys.groupEdit',
    rows: [
      ['E', 'keys.edit'],
      ['Alt+1…', 'keys.editTag'],
      ['Ctrl+click', 'keys.editSelectSpan'],
      ['Ctrl+Z  Ctrl+Shift+Z', 'keys.undo'],
      ['Ctrl+S', 'keys.save'],
      ['?', 'keys.help'],
    ],
  },
  {
    title: 'keys.groupCurate',
    rows: [
      ['N / P', 'keys.curateNext'],
      ['←  →', 'keys.curateEvery'],
      ['1 2 3…', 'keys.curateAccept'],
      ['A  Enter', 'keys.curateMost'],
      ['X  Delete', 'keys.curateReject'],
      ['E', 'keys.curateEdit'],
      ['G', 'keys.curateAgreed'],
      ['D', 'keys.curateDone'],
      ['Esc', 'keys.curateBack'],
    ],
  },
];

export function KeyboardHelp({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // The Close button is at the bottom of a long list: focusing it must not scroll the list away from its top.
    closeRef.current?.focus({ preventScroll: true });
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' || e.key === '?') {
        e.preventDefault();
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog keyboard-help" role="dialog" aria-modal="true" aria-labelledby="keys-title">
        <h2 id="keys-title">{t('keys.title')}</h2>
        <div className="keys-groups">
          {KEY_GROUPS.map((g) => (
            <section key={g.title}>
              <h3>{t(g.title)}</h3>
              <dl>
                {g.rows.map(([keys, what]) => (
                  <div key={what} className="keys-row">
                    <dt>
                      <kbd>{keys}</kbd>
                    </dt>
                    <dd>{t(what)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
        <div className="dialog-buttons">
          <button type="button" ref={closeRef} onClick={onClose}>
            {t('dialog.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
