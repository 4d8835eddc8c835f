/**
 * Hosts the ProseMirror editor for one document. React owns the mount point and passes changes
 * out; the editor's state never goes through React.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { Label, LoupeDocument } from '../../shared/types';
import { labelStyleRules } from '../editor/labelStyles';
import { handleAnnotateKey } from '../editor/keys';
import { spanRanges } from '../editor/spanMarks';
import { createEditor, type EditorMode, type LoupeEditor } from '../editor/view';
import type { Snapshot } from '../state/autosave';

/** A span as the panels show it. */
export interface EditorSpan {
  id: string;
  label: string;
  from: number;
  to: number;
  excerpt: string;
}

export interface EditorHandle {
  read(): Snapshot;
  tag(label: string): void;
  removeSelectedSpan(): void;
  undo(): void;
  redo(): void;
  selectSpan(id: string | null): void;
  handleAnnotateKey(event: KeyboardEvent): boolean;
}

interface Props {
  document: LoupeDocument;
  labels: Label[];
  mode: EditorMode;
  onReady(editor: EditorHandle, doc: LoupeDocument): void;
  onDocChanged(): void;
  onSpansChanged(spans: EditorSpan[]): void;
  onSelectSpan(id: string | null): void;
}

const EXCERPT_LENGTH = 60;

/** The document's language for font and line-breaking choices: its metadata, else a guess from the text. */
function documentLanguage(doc: LoupeDocument): string {
  if (typeof doc.meta.language === 'string') return doc.meta.language;
  return /[\u3400-\u9fff]/.test(doc.text.slice(0, 2000)) ? 'zh' : 'en';
}

/** One adopted style sheet for label colours: CSSOM, so the strict CSP needs no inline styles. */
const labelSheet = new CSSStyleSheet();
document.adoptedStyleSheets = [...document.adoptedStyleSheets, labelSheet];

export const EditorPane = forwardRef<EditorHandle, Props>(function EditorPane(props, ref) {
  const mountRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<LoupeEditor | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;

  const publishSpans = (editor: LoupeEditor) => {
    const doc = editor.view.state.doc;
    propsRef.current.onSpansChanged(
      spanRanges(doc).map((s) => {
        const text = doc.textBetween(s.from, s.to, '\n');
        return {
          id: s.id,
          label: s.label,
          from: s.from,
          to: s.to,
          excerpt: text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text,
        };
      }),
    );
  };

  useEffect(() => {
    const mount = mountRef.current!;
    const { document: doc, labels, mode } = propsRef.current;
    const editor = createEditor(mount, {
      text: doc.text,
      spans: doc.spans,
      labels,
      mode,
      onChange: (_state, tr) => {
        if (tr.docChanged) {
          propsRef.current.onDocChanged();
          publishSpans(editor);
        }
      },
      onSelectSpan: (id) => propsRef.current.onSelectSpan(id),
    });
    editorRef.current = editor;
    publishSpans(editor);
    propsRef.current.onReady(handle, doc);
    return () => {
      editor.destroy();
      editorRef.current = null;
    };
    // The document is fixed for this component's life (the parent keys it by document id).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    editorRef.current?.setMode(props.mode);
  }, [props.mode]);

  useEffect(() => {
    editorRef.current?.setLabels(props.labels);
    const rules = labelStyleRules(props.labels);
    while (labelSheet.cssRules.length) labelSheet.deleteRule(0);
    for (const rule of rules) labelSheet.insertRule(rule, labelSheet.cssRules.length);
  }, [props.labels]);

  const handle: EditorHandle = {
    read: () => {
      const { text, spans } = editorRef.current!.read();
      return { text, spans };
    },
    tag: (label) => editorRef.current?.tag(label),
    removeSelectedSpan: () => editorRef.current?.removeSelectedSpan(),
    undo: () => editorRef.current?.undo(),
    redo: () => editorRef.current?.redo(),
    selectSpan: (id) => editorRef.current?.selectSpan(id),
    handleAnnotateKey: (event) =>
      editorRef.current ? handleAnnotateKey(editorRef.current, event, propsRef.current.labels) : false,
  };
  useImperativeHandle(ref, () => handle);

  return (
    <div className="editor-scroll">
      <div ref={mountRef} className="editor-mount" lang={documentLanguage(props.document)} />
    </div>
  );
});
