import { useTranslation } from 'react-i18next';
import type { Label } from '../../shared/types';
import type { EditorMode } from '../editor/view';

interface Props {
  labels: Label[];
  mode: EditorMode;
  hasSelectedSpan: boolean;
  /** Tags the selection; with `fragment`, adds it to the span selected last (Alt+ or Shift+click). */
  onTag(label: string, fragment: boolean): void;
  onHelp(): void;
  onModeChange(mode: EditorMode): void;
  onRemove(): void;
  onUndo(): void;
  onRedo(): void;
}

/** Label buttons (accessible name = the label's name: swatch and key are hidden), the mode switch, undo/redo. */
export function Toolbar({ labels, mode, hasSelectedSpan, onTag, onHelp, onModeChange, onRemove, onUndo, onRedo }: Props) {
  const { t } = useTranslation();
  // mousedown must not take the selection away from the editor before the click tags it
  const keepSelection = (e: React.MouseEvent) => e.preventDefault();
  return (
    <div className="toolbar" role="toolbar" aria-label={t('toolbar.labels')}>
      <div className="label-buttons">
        {labels.map((label, index) => (
          <button
            key={label.name}
            type="button"
            className={`label-button lp-label-${index}`}
            aria-keyshortcuts={label.hotkey ?? undefined}
            title={`${label.description}${label.hotkey ? ` (${label.hotkey})` : ''}`}
            onMouseDown={keepSelection}
            onClick={(e) => onTag(label.name, e.altKey || e.shiftKey)}
          >
            <span className="swatch" aria-hidden="true" />
            {label.name}
            {label.hotkey && <kbd aria-hidden="true">{label.hotkey}</kbd>}
          </button>
        ))}
      </div>
      <div className="toolbar-actions">
        <button type="button" onMouseDown={keepSelection} onClick={onRemove} disabled={!hasSelectedSpan}>
          {t('toolbar.removeSpan')}
        </button>
        <button type="button" onMouseDown={keepSelection} onClick={onUndo}>
          {t('toolbar.undo')}
        </button>
        <button type="button" onMouseDown={keepSelection} onClick={onRedo}>
          {t('toolbar.redo')}
        </button>
        <button type="button" onMouseDown={keepSelection} onClick={onHelp} aria-keyshortcuts="?" title={t('keys.title')}>
          {t('toolbar.keys')}
        </button>
        <div className="mode-switch" role="group" aria-label={t('menu.toggleMode')}>
          <button type="button" aria-pressed={mode === 'annotate'} onClick={() => onModeChange('annotate')}
            title={t('toolbar.modeHelpAnnotate')}>
            {t('toolbar.annotateMode')}
          </button>
          <button type="button" aria-pressed={mode === 'edit'} onClick={() => onModeChange('edit')}
            title={t('toolbar.modeHelpEdit')}>
            {t('toolbar.editMode')}
          </button>
        </div>
      </div>
    </div>
  );
}
