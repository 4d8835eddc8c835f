/**
 * The schema editor: a modal dialog over a working copy of the corpus's labels (with their
 * attributes) and link types. Nothing is written until Save; a save that would delete annotations
 * asks first, listing what would go. Schema files are exported and imported here too.
 */
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoupeApi } from '../../shared/contract';
import type { HostBridge } from '../../shared/host';
import {
  DESCRIPTION_MAX,
  draftOf,
  draftMatchingByName,
  isHexColor,
  parseSchemaFile,
  schemaOfDraft,
  schemaProblems,
  serializeSchemaFile,
  SchemaFileError,
} from '../../shared/schema';
import { lastCodePoint } from '../../shared/offsets';
import { ATTRIBUTE_KINDS, type AttributeKind, type CorpusInfo, type CorpusSchema } from '../../shared/types';
import { describeError } from '../i18n';
import { confirmAction } from '../state/dialogs';
import * as S from '../state/schemaDraft';
import './schemaEditor.css';

interface Props {
  corpus: CorpusInfo;
  api: LoupeApi;
  host: HostBridge;
  onClose(): void;
  onApplied(corpus: CorpusInfo): void;
}

const KIND_KEYS: Record<AttributeKind, string> = {
  choice: 'schema.kindChoice',
  text: 'schema.kindText',
  flag: 'schema.kindFlag',
  number: 'schema.kindNumber',
};

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex="0"]';

/** Swatch colours go through a constructed style sheet: the CSP allows no inline styles. */
function useSwatchColors(schema: S.EditableSchema): void {
  const sheetRef = useRef<CSSStyleSheet | null>(null);
  useEffect(() => {
    const sheet = new CSSStyleSheet();
    sheetRef.current = sheet;
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
      sheetRef.current = null;
    };
  }, []);
  useEffect(() => {
    const rules = [...schema.labels, ...schema.linkTypes]
      .filter((item) => isHexColor(item.color))
      .map((item) => `.se-c-${item.key} { --se-color: ${item.color}; }`);
    sheetRef.current?.replaceSync(rules.join('\n'));
  }, [schema]);
}

/** A colour dot for a label or link type (by key). */
const Swatch = ({ itemKey }: { itemKey: string }) => <span className={`se-swatch se-c-${itemKey}`} aria-hidden="true" />;

export function SchemaEditor({ corpus, api, host, onClose, onApplied }: Props) {
  const { t } = useTranslation();
  const uid = useId();
  const idFor = (key: string, part: string) => `${uid}-${key}-${part}`;
  const titleId = `${uid}-title`;

  // What the corpus has now (frozen while the dialog is open): the baseline of "changed" and of import matching.
  const [current] = useState<CorpusSchema>(() => ({ labels: corpus.labels, linkTypes: corpus.linkTypes }));
  const [schema, setSchema] = useState<S.EditableSchema>(() => S.editableOf(draftOf(current)));
  const [baseline] = useState(() => S.toDraft(schema));
  const draft = useMemo(() => S.toDraft(schema), [schema]);
  const problems = useMemo(() => schemaProblems(draft), [draft]);
  const dirty = !S.sameDraft(draft, baseline);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const dialogRef = useRef<HTMLDivElement>(null);
  const focusNext = useRef<string[] | null>(null);
  useSwatchColors(schema);

  // Focus the first field on open; give focus back to whatever had it on close.
  useEffect(() => {
    const opener = document.activeElement;
    (dialogRef.current?.querySelector<HTMLElement>('input') ?? dialogRef.current)?.focus();
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);

  // After adding, moving or deleting an item, focus goes where the user expects it (React may have moved the node).
  useLayoutEffect(() => {
    const ids = focusNext.current;
    if (!ids) return;
    focusNext.current = null;
    for (const id of ids) {
      const el = document.getElementById(id);
      if (el && !(el as HTMLButtonElement).disabled) {
        el.focus();
        return;
      }
    }
  });

  /** Runs an in-page dialog shown over this one, then returns focus to where it was. */
  const overlay = async <T,>(show: () => Promise<T>): Promise<T> => {
    const back = document.activeElement;
    try {
      return await show();
    } finally {
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    }
  };

  const requestClose = async () => {
    if (busy) return;
    if (!dirty || (await overlay(() => confirmAction(t('schema.discardTitle'), [t('schema.discardQuestion')], t('schema.discard'))))) {
      onClose();
    }
  };

  const save = async () => {
    if (busy || problems.length > 0) return;
    if (!dirty) {
      onClose();
      return;
    }
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      let result = await api.updateSchema({ corpusId: corpus.id, schema: draft });
      if (!result.applied) {
        const lines = S.impactLines(result.impact, (key, params) => t(key, params));
        const confirmed = await overlay(() =>
          confirmAction(t('schema.confirmTitle'), [t('schema.confirmIntro'), ...lines, t('schema.confirmQuestion')], t('schema.confirmDelete')),
        );
        if (!confirmed) {
          setBusy(false);
          return;
        }
        result = await api.updateSchema({ corpusId: corpus.id, schema: draft, confirmDeletes: true });
      }
      onApplied(result.corpus);
      onClose();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  const exportFile = async () => {
    setError(null);
    setNotice(null);
    try {
      const saved = await host.saveTextFile(`${corpus.name}.loupe-schema.json`, serializeSchemaFile(schemaOfDraft(draft)));
      if (saved) setNotice(t('schema.exported'));
    } catch (e) {
      setError(describeError(e));
    }
  };

  const importFile = async () => {
    setError(null);
    setNotice(null);
    let file: { name: string; text: string } | null;
    try {
      file = await host.openTextFile();
    } catch (e) {
      setError(describeError(e));
      return;
    }
    if (!file) return;
    try {
      setSchema(S.editableOf(draftMatchingByName(current, parseSchemaFile(file.text))));
      setNotice(t('schema.imported', { name: file.name }));
    } catch (e) {
      const message = e instanceof SchemaFileError ? e.message : describeError(e);
      setError(t('schema.importFailed', { name: file.name, message }));
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // the window's annotate-mode keys must not act on the document behind the dialog
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      void requestClose();
    } else if (event.key === 'Tab') {
      const items = [...(dialogRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) return;
      if (event.shiftKey && (document.activeElement === first || document.activeElement === dialogRef.current)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  };

  // Labels
  const addLabel = () => {
    const item = S.newLabel(schema);
    setSchema((s) => ({ ...s, labels: [...s.labels, item] }));
    focusNext.current = [idFor(item.key, 'name')];
  };
  const moveLabel = (index: number, delta: number, key: string) => {
    setSchema((s) => ({ ...s, labels: S.moveItem(s.labels, index, delta) }));
    focusNext.current = delta < 0 ? [idFor(key, 'up'), idFor(key, 'down')] : [idFor(key, 'down'), idFor(key, 'up')];
  };
  const deleteLabel = (index: number, key: string) => {
    const neighbour = schema.labels[index + 1] ?? schema.labels[index - 1];
    setSchema((s) => S.removeLabel(s, key));
    focusNext.current = [neighbour ? idFor(neighbour.key, 'delete') : `${uid}-add-label`];
  };

  // Attributes
  const addAttribute = (labelKey: string) => {
    const item = S.newAttribute();
    setSchema((s) => S.mapAttributes(s, labelKey, (list) => [...list, item]));
    focusNext.current = [idFor(item.key, 'name')];
  };
  const moveAttribute = (labelKey: string, index: number, delta: number, key: string) => {
    setSchema((s) => S.mapAttributes(s, labelKey, (list) => S.moveItem(list, index, delta)));
    focusNext.current = delta < 0 ? [idFor(key, 'up'), idFor(key, 'down')] : [idFor(key, 'down'), idFor(key, 'up')];
  };
  const deleteAttribute = (label: S.LabelItem, index: number, key: string) => {
    const neighbour = label.attributes[index + 1] ?? label.attributes[index - 1];
    setSchema((s) => S.mapAttributes(s, label.key, (list) => list.filter((a) => a.key !== key)));
    focusNext.current = [neighbour ? idFor(neighbour.key, 'delete') : idFor(label.key, 'add-attribute')];
  };
  const changeAttribute = (labelKey: string, attrKey: string, change: (a: S.AttrItem) => S.AttrItem) =>
    setSchema((s) => S.updateAttribute(s, labelKey, attrKey, change));

  // Link types
  const addLinkType = () => {
    const item = S.newLinkType();
    setSchema((s) => ({ ...s, linkTypes: [...s.linkTypes, item] }));
    focusNext.current = [idFor(item.key, 'name')];
  };
  const deleteLinkType = (index: number, key: string) => {
    const neighbour = schema.linkTypes[index + 1] ?? schema.linkTypes[index - 1];
    setSchema((s) => ({ ...s, linkTypes: s.linkTypes.filter((l) => l.key !== key) }));
    focusNext.current = [neighbour ? idFor(neighbour.key, 'delete') : `${uid}-add-link-type`];
  };

  const labelName = (l: S.LabelItem) => l.name || t('schema.unnamed');

  const renderAttribute = (label: S.LabelItem, attr: S.AttrItem, index: number): ReactNode => {
    const change = (f: (a: S.AttrItem) => S.AttrItem) => changeAttribute(label.key, attr.key, f);
    const hintId = idFor(attr.key, 'options-hint');
    return (
      <fieldset key={attr.key} className="se-item se-attribute" aria-label={t('schema.attributeN', { n: index + 1 })}>
        <div className="se-item-head">
          <span className="se-item-title">{attr.name || t('schema.unnamed')}</span>
          <ItemButtons
            up={{ id: idFor(attr.key, 'up'), label: t('schema.moveAttributeUp'), disabled: index === 0 }}
            down={{ id: idFor(attr.key, 'down'), label: t('schema.moveAttributeDown'), disabled: index === label.attributes.length - 1 }}
            remove={{ id: idFor(attr.key, 'delete'), label: t('schema.deleteAttribute') }}
            onMove={(delta) => moveAttribute(label.key, index, delta, attr.key)}
            onRemove={() => deleteAttribute(label, index, attr.key)}
          />
        </div>
        <div className="se-fields">
          <label>
            {t('schema.attributeName')}
            <input
              id={idFor(attr.key, 'name')}
              value={attr.name}
              spellCheck={false}
              onChange={(e) => change((a) => ({ ...a, name: e.target.value }))}
            />
          </label>
          <label>
            {t('schema.kind')}
            <select value={attr.kind} onChange={(e) => change((a) => S.withKind(a, e.target.value as AttributeKind))}>
              {ATTRIBUTE_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(KIND_KEYS[kind])}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('schema.default')}
            <DefaultControl attr={attr} onChange={(text) => change((a) => S.withDefaultText(a, text))} />
          </label>
          {attr.kind === 'choice' && (
            <label className="se-wide">
              {t('schema.options')}
              <textarea
                rows={2}
                value={attr.optionsText}
                aria-describedby={hintId}
                spellCheck={false}
                onChange={(e) => change((a) => S.withOptionsText(a, e.target.value))}
              />
              <span id={hintId} className="se-hint">
                {t('schema.optionsHint')}
              </span>
            </label>
          )}
          <label className="se-wide">
            {t('schema.attributeDescription')}
            <input value={attr.description} maxLength={DESCRIPTION_MAX} onChange={(e) => change((a) => ({ ...a, description: e.target.value }))} />
          </label>
        </div>
      </fieldset>
    );
  };

  const renderLabel = (label: S.LabelItem, index: number): ReactNode => {
    const update = (patch: Partial<Omit<S.LabelItem, 'key'>>) => setSchema((s) => S.updateLabel(s, label.key, patch));
    return (
      <fieldset key={label.key} className="se-item se-label" aria-label={t('schema.labelN', { n: index + 1 })}>
        <div className="se-item-head">
          <Swatch itemKey={label.key} />
          <span className="se-item-title">{labelName(label)}</span>
          <ItemButtons
            up={{ id: idFor(label.key, 'up'), label: t('schema.moveLabelUp'), disabled: index === 0 }}
            down={{ id: idFor(label.key, 'down'), label: t('schema.moveLabelDown'), disabled: index === schema.labels.length - 1 }}
            remove={{ id: idFor(label.key, 'delete'), label: t('schema.deleteLabel') }}
            onMove={(delta) => moveLabel(index, delta, label.key)}
            onRemove={() => deleteLabel(index, label.key)}
          />
        </div>
        <div className="se-fields">
          <label>
            {t('schema.name')}
            <input id={idFor(label.key, 'name')} value={label.name} spellCheck={false} onChange={(e) => update({ name: e.target.value })} />
          </label>
          <label className="se-narrow">
            {t('schema.color')}
            <input type="color" value={label.color} onChange={(e) => update({ color: e.target.value })} />
          </label>
          <label className="se-narrow">
            {t('schema.hotkey')}
            <input
              className="se-hotkey"
              value={label.hotkey ?? ''}
              title={t('schema.hotkeyHint')}
              autoComplete="off"
              spellCheck={false}
              // the last key typed replaces the old one, so a key can be changed without deleting first
              onChange={(e) => update({ hotkey: lastCodePoint(e.target.value).toLowerCase() || null })}
            />
          </label>
          <label className="se-wide">
            {t('schema.description')}
            <input value={label.description} maxLength={DESCRIPTION_MAX} onChange={(e) => update({ description: e.target.value })} />
          </label>
        </div>
        <div className="se-attributes">
          <h4>{t('schema.attributes')}</h4>
          {label.attributes.length === 0 && <p className="se-hint">{t('schema.noAttributes')}</p>}
          {label.attributes.map((a, i) => renderAttribute(label, a, i))}
          <button type="button" id={idFor(label.key, 'add-attribute')} className="se-add" onClick={() => addAttribute(label.key)}>
            {t('schema.addAttribute')}
          </button>
        </div>
      </fieldset>
    );
  };

  const renderEnds = (type: S.LinkTypeItem, end: 'from' | 'to'): ReactNode => (
    <fieldset className="se-ends">
      <legend>{t(end === 'from' ? 'schema.from' : 'schema.to')}</legend>
      {schema.labels.map((l) => (
        <label key={l.key} className="se-check">
          <input
            type="checkbox"
            checked={type[end].includes(l.key)}
            onChange={(e) => setSchema((s) => S.toggleLinkEnd(s, type.key, end, l.key, e.target.checked))}
          />
          <Swatch itemKey={l.key} />
          {labelName(l)}
        </label>
      ))}
      {type[end].length === 0 && <span className="se-hint">{t('schema.anyLabel')}</span>}
    </fieldset>
  );

  const renderLinkType = (type: S.LinkTypeItem, index: number): ReactNode => {
    const update = (patch: Partial<Omit<S.LinkTypeItem, 'key'>>) => setSchema((s) => S.updateLinkType(s, type.key, patch));
    return (
      <fieldset key={type.key} className="se-item se-link-type" aria-label={t('schema.linkTypeN', { n: index + 1 })}>
        <div className="se-item-head">
          <Swatch itemKey={type.key} />
          <span className="se-item-title">{type.name || t('schema.unnamed')}</span>
          <button type="button" id={idFor(type.key, 'delete')} onClick={() => deleteLinkType(index, type.key)}>
            {t('schema.deleteLinkType')}
          </button>
        </div>
        <div className="se-fields">
          <label>
            {t('schema.name')}
            <input id={idFor(type.key, 'name')} value={type.name} spellCheck={false} onChange={(e) => update({ name: e.target.value })} />
          </label>
          <label className="se-narrow">
            {t('schema.color')}
            <input type="color" value={type.color} onChange={(e) => update({ color: e.target.value })} />
          </label>
          <label className="se-wide">
            {t('schema.description')}
            <input value={type.description} maxLength={DESCRIPTION_MAX} onChange={(e) => update({ description: e.target.value })} />
          </label>
        </div>
        <div className="se-ends-row">
          {renderEnds(type, 'from')}
          {renderEnds(type, 'to')}
        </div>
      </fieldset>
    );
  };

  return (
    <div className="dialog-backdrop schema-editor-backdrop">
      <div
        ref={dialogRef}
        className="dialog schema-editor"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-busy={busy}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{t('schema.title', { corpus: corpus.name })}</h2>
        <div className="se-body">
          <p className="se-hint">{corpus.readOnly ? t('schema.readOnly') : t('schema.intro')}</p>
          {/* A read-only corpus: the schema is shown (and can be exported), not changed. */}
          <fieldset className="se-sections" disabled={corpus.readOnly}>
          <section aria-labelledby={`${uid}-labels`}>
            <h3 id={`${uid}-labels`}>{t('schema.labels')}</h3>
            {schema.labels.map(renderLabel)}
            <button type="button" id={`${uid}-add-label`} className="se-add" onClick={addLabel}>
              {t('schema.addLabel')}
            </button>
          </section>
          <section aria-labelledby={`${uid}-link-types`}>
            <h3 id={`${uid}-link-types`}>{t('schema.linkTypes')}</h3>
            <p className="se-hint">{t('schema.linkTypesIntro')}</p>
            {schema.linkTypes.length === 0 && <p className="se-hint">{t('schema.noLinkTypes')}</p>}
            {schema.linkTypes.map(renderLinkType)}
            <button type="button" id={`${uid}-add-link-type`} className="se-add" onClick={addLinkType}>
              {t('schema.addLinkType')}
            </button>
          </section>
          </fieldset>
        </div>
        <div className="se-status" aria-live="polite">
          {problems.length > 0 && (
            <div className="se-problems">
              <p>{t('schema.problems')}</p>
              <ul>
                {problems.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            </div>
          )}
          {notice && <p className="se-notice">{notice}</p>}
        </div>
        {error && (
          <p className="se-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-buttons se-buttons">
          {!corpus.readOnly && (
            <button type="button" onClick={() => void importFile()} disabled={busy}>
              {t('schema.import')}
            </button>
          )}
          <button type="button" onClick={() => void exportFile()} disabled={busy || problems.length > 0}>
            {t('schema.export')}
          </button>
          <span className="se-spacer" />
          <button type="button" onClick={() => void requestClose()} disabled={busy}>
            {corpus.readOnly ? t('dialog.close') : t('dialog.cancel')}
          </button>
          {!corpus.readOnly && (
            <button type="button" className="se-primary" onClick={() => void save()} disabled={busy || problems.length > 0}>
              {busy ? t('schema.saving') : t('schema.save')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

interface ButtonSpec {
  id: string;
  label: string;
  disabled?: boolean;
}

/** Move up / move down / delete, for a label or an attribute. */
function ItemButtons(props: { up: ButtonSpec; down: ButtonSpec; remove: ButtonSpec; onMove(delta: number): void; onRemove(): void }) {
  const { up, down, remove } = props;
  return (
    <span className="se-item-buttons">
      <button type="button" id={up.id} aria-label={up.label} title={up.label} disabled={up.disabled} onClick={() => props.onMove(-1)}>
        ↑
      </button>
      <button type="button" id={down.id} aria-label={down.label} title={down.label} disabled={down.disabled} onClick={() => props.onMove(1)}>
        ↓
      </button>
      <button type="button" id={remove.id} onClick={props.onRemove}>
        {remove.label}
      </button>
    </span>
  );
}

/** The default of an attribute, with the control its kind calls for ('' is no default). */
function DefaultControl({ attr, onChange }: { attr: S.AttrItem; onChange(text: string): void }) {
  const { t } = useTranslation();
  switch (attr.kind) {
    case 'choice':
      return (
        <select value={attr.defaultText} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('schema.noDefault')}</option>
          {attr.options.map((o, i) => (
            <option key={`${i}-${o}`} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'flag':
      return (
        <select value={attr.defaultText} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('schema.noDefault')}</option>
          <option value="true">{t('schema.flagYes')}</option>
          <option value="false">{t('schema.flagNo')}</option>
        </select>
      );
    case 'number':
      return <input inputMode="decimal" value={attr.defaultText} placeholder={t('schema.noDefault')} onChange={(e) => onChange(e.target.value)} />;
    default:
      return <input value={attr.defaultText} placeholder={t('schema.noDefault')} onChange={(e) => onChange(e.target.value)} />;
  }
}
