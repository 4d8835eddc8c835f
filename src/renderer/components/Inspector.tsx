/**
 * The inspector: the selected span's label, fragments, attribute values, note and links; with no
 * span selected, the open document's status and note. Every span change goes through the editor
 * (undoable, autosaved); document status and note are saved directly.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttrValue, AttributeDef, DocumentStatus, Label } from '../../shared/types';
import { NOTE_MAX, TEXT_VALUE_MAX } from '../../shared/schema';
import { DOCUMENT_STATUSES } from '../../shared/types';
import type { LinkingView, SpanDetails } from './EditorPane';

export interface InspectorHandle {
  /** Moves the keyboard to the first attribute field (A), or the note (N). */
  focusAttributes(): boolean;
  focusNote(): boolean;
}

interface Props {
  labels: Label[];
  span: SpanDetails | null;
  linking: LinkingView | null;
  /** The open document, or null. */
  documentId: number | null;
  documentStatus: DocumentStatus | null;
  documentNote: string;
  onSetAttr(spanId: string, name: string, value: AttrValue | null): void;
  onSetNote(spanId: string, note: string): void;
  onRemoveLink(id: string): void;
  onSelectSpan(id: string): void;
  onStartLink(): void;
  onSetStatus(status: DocumentStatus): void;
  onSetDocumentNote(note: string): void;
  /** Escape in a field: back to the text. */
  onLeave(): void;
  /** A read-only corpus: everything is shown, nothing can be changed. */
  readOnly?: boolean;
}

/** A field's own keys stay its own; Escape gives the keyboard back to the editor. */
function leaveOnEscape(onLeave: () => void) {
  return (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      (e.currentTarget as HTMLElement).blur();
      onLeave();
    }
  };
}

function AttributeField({
  def,
  value,
  onChange,
  onKeyDown,
  id,
  disabled,
}: {
  def: AttributeDef;
  value: AttrValue | undefined;
  onChange(value: AttrValue | null): void;
  onKeyDown(e: React.KeyboardEvent): void;
  id: string;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const shown = value === undefined ? '' : String(value);
  const [draft, setDraft] = useState(shown);
  // A new value from outside (another span, a save, undo) replaces the draft.
  const [lastShown, setLastShown] = useState(shown);
  if (lastShown !== shown) {
    setLastShown(shown);
    setDraft(shown);
  }
  switch (def.kind) {
    case 'choice':
      return (
        <select
          id={id}
          data-attr={def.name}
          disabled={disabled}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
          onKeyDown={onKeyDown}
        >
          <option value="">{t('inspector.unset')}</option>
          {def.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'flag':
      return (
        <input
          id={id}
          data-attr={def.name}
          type="checkbox"
          disabled={disabled}
          checked={value === true}
          onChange={(e) => onChange(e.target.checked)}
          onKeyDown={onKeyDown}
        />
      );
    case 'number':
    case 'text': {
      const commit = () => {
        if (disabled) return;
        const trimmed = draft.trim();
        if (trimmed === '') return onChange(null);
        if (def.kind === 'text') return onChange(draft);
        const n = Number(trimmed);
        if (Number.isFinite(n)) onChange(n);
        else setDraft(value === undefined ? '' : String(value));
      };
      return (
        <input
          id={id}
          data-attr={def.name}
          type={def.kind === 'number' ? 'number' : 'text'}
          readOnly={disabled}
          maxLength={def.kind === 'text' ? TEXT_VALUE_MAX : undefined}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              commit();
            }
            if (e.key === 'Escape') commit();
            onKeyDown(e);
          }}
        />
      );
    }
  }
}

/** A note field saved when it loses focus or after a pause in typing. */
function NoteField({
  id,
  value,
  onSave,
  onKeyDown,
  label,
  readOnly,
}: {
  id: string;
  value: string;
  onSave(v: string): void;
  onKeyDown(e: React.KeyboardEvent): void;
  label: string;
  readOnly: boolean;
}) {
  const [draft, setDraft] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const fieldRef = useRef<HTMLTextAreaElement>(null);
  // A value coming back from a save must not overwrite what the user typed meanwhile.
  useEffect(() => {
    if (document.activeElement !== fieldRef.current && timer.current === null) setDraft(value);
  }, [value]);
  const save = (text: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (text !== value && !readOnly) onSave(text);
  };
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return (
    <textarea
      ref={fieldRef}
      id={id}
      aria-label={label}
      rows={3}
      maxLength={NOTE_MAX}
      readOnly={readOnly}
      value={draft}
      onChange={(e) => {
        const text = e.target.value;
        setDraft(text);
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => save(text), 600);
      }}
      onBlur={() => save(draft)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') save(draft);
        onKeyDown(e);
      }}
    />
  );
}

export const Inspector = forwardRef<InspectorHandle, Props>(function Inspector(props, ref) {
  const { t } = useTranslation();
  const rootRef = useRef<HTMLElement>(null);
  const { span, linking, labels } = props;
  const readOnly = props.readOnly ?? false;
  const label = span ? labels.find((l) => l.name === span.label) : undefined;
  const labelIndex = (name: string) => labels.findIndex((l) => l.name === name);
  const leave = leaveOnEscape(props.onLeave);

  useImperativeHandle(ref, () => ({
    focusAttributes: () => {
      const el = rootRef.current?.querySelector<HTMLElement>('[data-attr]');
      el?.focus();
      return !!el;
    },
    focusNote: () => {
      const el = rootRef.current?.querySelector<HTMLElement>('textarea');
      el?.focus();
      return !!el;
    },
  }));

  return (
    <section className="inspector" aria-label={t('inspector.title')} ref={rootRef}>
      {linking ? (
        <div className="inspector-linking" role="status">
          <h2>{t('inspector.linkingTitle')}</h2>
          <p>
            {t('inspector.linkingText', {
              type: linking.type,
              from: linking.fromExcerpt,
              to: linking.toExcerpt,
              index: linking.index + 1,
              count: linking.count,
            })}
          </p>
          <p className="hint">{linking.typeCount > 1 ? t('inspector.linkingKeysTypes') : t('inspector.linkingKeys')}</p>
        </div>
      ) : span ? (
        <>
          <h2>
            <span className={`swatch lp-label-${labelIndex(span.label)}`} aria-hidden="true" /> {span.label}
          </h2>
          <blockquote className="inspector-text" lang="zh">
            {span.fragments.map((f, i) => (
              <span key={i} className="inspector-fragment">
                {f}
              </span>
            ))}
          </blockquote>
          {span.fragments.length > 1 && <p className="hint">{t('inspector.fragments', { count: span.fragments.length })}</p>}
          {label && label.attributes.length > 0 && (
            <dl className="inspector-attrs">
              {label.attributes.map((def) => (
                <div key={def.name} className="inspector-attr">
                  <dt>
                    <label htmlFor={`attr-${def.name}`} title={def.description}>
                      {def.name}
                    </label>
                  </dt>
                  <dd>
                    <AttributeField
                      key={`${span.id}\u0000${def.name}`}
                      id={`attr-${def.name}`}
                      def={def}
                      value={span.attrs[def.name]}
                      onChange={(v) => props.onSetAttr(span.id, def.name, v)}
                      onKeyDown={leave}
                      disabled={readOnly}
                    />
                  </dd>
                </div>
              ))}
            </dl>
          )}
          <label className="inspector-label" htmlFor="span-note">
            {t('inspector.note')}
          </label>
          <NoteField
            key={span.id}
            id="span-note"
            label={t('inspector.note')}
            value={span.note}
            onSave={(note) => props.onSetNote(span.id, note)}
            onKeyDown={leave}
            readOnly={readOnly}
          />
          <h3>{t('inspector.links')}</h3>
          {span.links.length === 0 ? (
            <p className="hint">{t('inspector.noLinks')}</p>
          ) : (
            <ul className="inspector-links">
              {span.links.map((l) => (
                <li key={l.id}>
                  <span className="link-type">{l.direction === 'out' ? `${l.type} →` : `← ${l.type}`}</span>
                  <button type="button" className="link-other" onClick={() => props.onSelectSpan(l.otherId)}>
                    <span className={`swatch lp-label-${labelIndex(l.otherLabel)}`} aria-hidden="true" /> {l.otherExcerpt}
                  </button>
                  {!readOnly && (
                    <button
                      type="button"
                      className="link-remove"
                      aria-label={t('inspector.removeLink', { type: l.type, text: l.otherExcerpt })}
                      onClick={() => props.onRemoveLink(l.id)}
                    >
                      ×
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {!readOnly && (
            <button type="button" className="inspector-add-link" onClick={props.onStartLink}>
              {t('inspector.addLink')}
            </button>
          )}
        </>
      ) : props.documentStatus !== null ? (
        <>
          <h2>{t('inspector.document')}</h2>
          <label className="inspector-label" htmlFor="doc-status">
            {t('inspector.status')}
          </label>
          <select
            id="doc-status"
            disabled={readOnly}
            value={props.documentStatus}
            onChange={(e) => props.onSetStatus(e.target.value as DocumentStatus)}
            onKeyDown={leave}
          >
            {DOCUMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.doc.${s}`)}
              </option>
            ))}
          </select>
          <label className="inspector-label" htmlFor="doc-note">
            {t('inspector.documentNote')}
          </label>
          <NoteField
            key={props.documentId ?? 0}
            id="doc-note"
            label={t('inspector.documentNote')}
            value={props.documentNote}
            onSave={props.onSetDocumentNote}
            onKeyDown={leave}
            readOnly={readOnly}
          />
          <p className="hint">{t('inspector.selectHint')}</p>
        </>
      ) : null}
    </section>
  );
});
