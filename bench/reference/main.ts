/**
 * The reference editor of the editor benchmark (bench/editorBench.ts): a bare ProseMirror view of
 * the benchmark's report with one inline decoration per span (a colour class per label) and Loupe's
 * own editor style sheet, built from the project's prosemirror-* packages. No marks, lanes, span
 * list, autosave or React: the floor Loupe's figures are compared with. Clicking the document in
 * the list fetches it (text and spans in code points, as Loupe's bridge sends them) and builds the
 * editor; the 1 key decorates the selection, as tagging would.
 */
import { Schema } from 'prosemirror-model';
import { EditorState, Plugin, PluginKey } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import { DEFAULT_LABELS } from '../../src/shared/labels';
import { labelStyleRules } from '../../src/renderer/editor/labelStyles';
import { positionIndex } from '../../src/renderer/editor/positions';
import '../../src/renderer/editor/editor.css';
import './reference.css';

/** What the bench serves at document.json: the text (paragraphs joined by "\n") and its spans in code points. */
interface ReferenceDocument {
  text: string;
  spans: { label: string; start: number; end: number }[];
}

const schema = new Schema({
  nodes: {
    doc: { content: 'paragraph+' },
    paragraph: { content: 'text*', parseDOM: [{ tag: 'p' }], toDOM: () => ['p', 0] },
    text: {},
  },
});

const labelIndex = new Map(DEFAULT_LABELS.map((l, i) => [l.name, i]));
const spanClass = (label: string): string => `lp-span lp-label-${labelIndex.get(label) ?? 0}`;

/** The decorations, mapped through every edit; a `{ from, to }` meta adds one (the 1 key). */
const spansKey = new PluginKey<DecorationSet>('reference-spans');

function spansPlugin(initial: DecorationSet): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: spansKey,
    state: {
      init: () => initial,
      apply(tr, set) {
        let next = set.map(tr.mapping, tr.doc);
        const tag = tr.getMeta(spansKey) as { from: number; to: number } | undefined;
        if (tag) next = next.add(tr.doc, [Decoration.inline(tag.from, tag.to, { class: spanClass('quote'), 'data-tag': '' })]);
        return next;
      },
    },
    props: {
      decorations: (state) => spansKey.getState(state),
      handleKeyDown(view, event) {
        const { from, to, empty } = view.state.selection;
        if (event.key !== '1' || empty) return false;
        view.dispatch(view.state.tr.setMeta(spansKey, { from, to }));
        return true;
      },
    },
  });
}

function editorState(doc: ReferenceDocument): EditorState {
  const paragraphs = doc.text.split('\n').map((t) => schema.node('paragraph', null, t ? [schema.text(t)] : []));
  const node = schema.node('doc', null, paragraphs);
  const index = positionIndex(node);
  const decorations = doc.spans.map((s) => Decoration.inline(index.cpToPos(s.start), index.cpToPos(s.end), { class: spanClass(s.label) }));
  return EditorState.create({ doc: node, plugins: [spansPlugin(DecorationSet.create(node, decorations))] });
}

const sheet = new CSSStyleSheet();
for (const rule of labelStyleRules(DEFAULT_LABELS)) sheet.insertRule(rule, sheet.cssRules.length);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const view = new EditorView(document.querySelector('.editor-mount')!, {
  state: editorState({ text: '开始。', spans: [] }),
  attributes: { class: 'lp-editor' },
});

document.querySelector('.document-item')!.addEventListener('click', () => {
  void fetch('document.json')
    .then((r) => r.json() as Promise<ReferenceDocument>)
    .then((doc) => view.updateState(editorState(doc)));
});
