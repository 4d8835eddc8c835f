/** Shared test helpers: document builders with tagged positions, states and command runners. */
import type { Node } from 'prosemirror-model';
import { history } from 'prosemirror-history';
import { type Command, EditorState, TextSelection, type Transaction } from 'prosemirror-state';
import { builders, type MarkBuilder, type NodeBuilder } from 'prosemirror-test-builder';
import { expect } from 'vitest';
import type { SpanInput } from '../../../src/shared/types';
import { type DocumentContent, readDocument } from '../../../src/renderer/editor/docCodec';
import { schema } from '../../../src/renderer/editor/schema';
import { type EditorLabel, spanPlugin } from '../../../src/renderer/editor/spanPlugin';

const b = builders(schema, { p: { nodeType: 'paragraph' } });

// The builders object is indexed by name; these are the ones the schema defines.
export const doc = b['doc'] as NodeBuilder;
export const p = b['p'] as NodeBuilder;
const span = b['span'] as MarkBuilder;

/** A builder for text carrying the span `id` with `label`. */
export const sp =
  (id: string, label: string) =>
  (...children: Parameters<MarkBuilder>[1][]) =>
    span({ id, label }, ...children);

export const LABELS: EditorLabel[] = [
  { name: 'quote', color: '#d9480f', hotkey: '1' },
  { name: 'official', color: '#1971c2', hotkey: '2' },
  { name: 'pledge', color: '#2f9e44', hotkey: '3' },
];

/** An editor state over `d`, selecting <a>..<b> (or the caret at <a>) when tagged. */
export function stateOf(d: Node & { tag: Record<string, number> }, labels: readonly EditorLabel[] = LABELS): EditorState {
  const { a, b: bTag } = d.tag;
  const selection = a === undefined ? undefined : TextSelection.create(d, a, bTag ?? a);
  return EditorState.create({ doc: d, selection, plugins: [spanPlugin(labels), history()] });
}

/** Runs a command that must apply; returns the new state. */
export function run(state: EditorState, command: Command): EditorState {
  let next = state;
  const applied = command(state, (tr: Transaction) => {
    next = state.apply(tr);
  });
  expect(applied).toBe(true);
  return next;
}

/** Applies a transaction built from `state`. */
export function edit(state: EditorState, build: (tr: Transaction) => Transaction): EditorState {
  return state.apply(build(state.tr));
}

/** The text under each span, by label, as a reader of an export would see it. */
export function spanTexts(state: EditorState): { label: string; text: string }[] {
  const { text, spans } = readDocument(state.doc);
  const cps = [...text];
  return spans.map((s) => ({ label: s.label, text: cps.slice(s.start, s.end).join('') }));
}

/** Text and spans reduced to id, label, start and end: what tests of contiguous, attribute-less spans compare. */
export function basic(content: DocumentContent): { text: string; spans: SpanInput[] } {
  return { text: content.text, spans: content.spans.map(({ id, label, start, end }) => ({ id, label, start, end })) };
}

/** `basic(readDocument(doc))`. */
export function readBasic(d: Node): { text: string; spans: SpanInput[] } {
  return basic(readDocument(d));
}
