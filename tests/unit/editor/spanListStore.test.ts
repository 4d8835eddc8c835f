/**
 * The span list outside React: typing changes where spans are and what their excerpts read, and
 * the store tells the list only when its rows (ids, order, labels, fragment counts) change; the
 * rows drawn read their excerpts from the newest document, also when a span has gone meanwhile.
 */
import { EditorState } from 'prosemirror-state';
import { describe, expect, it, vi } from 'vitest';
import { docFromText } from '../../../src/renderer/editor/docCodec';
import { sameRows, type SpanList, SpanListStore } from '../../../src/renderer/editor/spanList';
import { spanRanges } from '../../../src/renderer/editor/spanMarks';
import { CalmQueue } from '../../../src/renderer/state/calmQueue';

const TEXT = '县委书记在会上说\n今年我们要把问题找准\n把责任压实';
const SPANS = [
  { id: 'a', label: 'official', start: 0, end: 4 },
  { id: 'b', label: 'quote', start: 9, end: 19 },
  { id: 'c', label: 'pledge', start: 20, end: 25 },
];
const listOf = (doc: ReturnType<typeof docFromText>): SpanList => ({ doc, spans: spanRanges(doc) });

/** The document after inserting `text` at position `at`. */
function typed(list: SpanList, at: number, text: string): SpanList {
  const state = EditorState.create({ doc: list.doc! });
  return listOf(state.apply(state.tr.insertText(text, at)).doc);
}

/** The document after deleting from..to. */
function deleted(list: SpanList, from: number, to: number): SpanList {
  const state = EditorState.create({ doc: list.doc! });
  return listOf(state.apply(state.tr.delete(from, to)).doc);
}

describe('sameRows', () => {
  const start = listOf(docFromText(TEXT, SPANS));

  it('holds when typing only moves spans or changes their text', () => {
    const after = typed(start, 2, '副'); // inside span a: it grows, every span after it moves
    expect(after.spans.map((s) => s.from)).not.toEqual(start.spans.map((s) => s.from));
    expect(sameRows(start.spans, after.spans)).toBe(true);
  });

  it('fails when a span goes, comes, or changes label or fragment count', () => {
    const b = start.spans.find((s) => s.id === 'b')!;
    expect(sameRows(start.spans, deleted(start, b.from, b.to).spans)).toBe(false);
    expect(sameRows(start.spans, start.spans.slice(1))).toBe(false);
    expect(sameRows(start.spans, start.spans.map((s, i) => (i === 1 ? { ...s, label: 'official' } : s)))).toBe(false);
    expect(sameRows(start.spans, start.spans.map((s, i) => (i === 1 ? { ...s, fragments: [...s.fragments, s.fragments[0]!] } : s)))).toBe(false);
    expect(sameRows(start.spans, [...start.spans].reverse())).toBe(false);
  });
});

describe('SpanListStore', () => {
  it('asks for a React commit only when the rows change, and tells its subscribers at every list', () => {
    const store = new SpanListStore();
    const seen = vi.fn();
    store.subscribe(seen);
    const start = listOf(docFromText(TEXT, SPANS));
    expect(store.set(start)).toBe(true); // nothing drawn yet
    store.drawing(start);
    const after = typed(start, 2, '副职');
    expect(store.set(after)).toBe(false);
    expect(store.get()).toBe(after);
    const b = after.spans.find((s) => s.id === 'b')!;
    expect(store.set(deleted(after, b.from, b.to))).toBe(true);
    expect(seen).toHaveBeenCalledTimes(3);
  });

  it('reads the excerpts of the rows drawn from the newest document', () => {
    const store = new SpanListStore();
    const rows = listOf(docFromText(TEXT, SPANS));
    store.set(rows);
    store.drawing(rows);
    expect(store.excerpts(rows, [0, 1, 2])).toEqual(['县委书记', '今年我们要把问题找准', '把责任压实']);
    // Typed into span a: the rows stay, their excerpts follow.
    store.set(typed(rows, 3, '副职'));
    expect(store.excerpts(rows, [2, 0])).toEqual(['把责任压实', '县委副职书记']);
  });

  it('keeps a row whose span is gone until the rows are redrawn, with its last excerpt', () => {
    const store = new SpanListStore();
    const rows = listOf(docFromText(TEXT, SPANS));
    store.set(rows);
    store.drawing(rows);
    const b = rows.spans.find((s) => s.id === 'b')!;
    // Span b deleted, then text typed before span c: rows 0 and 2 read the newest text, row 1 its own.
    const newest = typed(deleted(rows, b.from, b.to), 1, 'x');
    expect(store.set(newest)).toBe(true);
    expect(store.excerpts(rows, [0, 1, 2])).toEqual(['县委书记', '今年我们要把问题找准', '把责任压实']);
    const moved = typed(newest, 3, '副'); // after 县 (the x before it is outside span a)
    store.set(moved);
    expect(store.excerpts(rows, [0, 1])).toEqual(['县副委书记', '今年我们要把问题找准']);
  });

  it('reads nothing for a row past the end or with no document', () => {
    const store = new SpanListStore();
    const rows = listOf(docFromText(TEXT, SPANS));
    expect(store.excerpts(rows, [7])).toEqual(['']);
    expect(store.excerpts({ doc: null, spans: rows.spans }, [0])).toEqual(['']);
  });
});

describe('CalmQueue', () => {
  it('runs what was deferred once typing has paused, the newest task of each key, in order', () => {
    vi.useFakeTimers();
    try {
      const queue = new CalmQueue({ quietMs: 400 });
      const ran: string[] = [];
      queue.defer('rows', () => ran.push('rows 1'));
      queue.defer('inspect', () => ran.push('inspect'));
      queue.defer('rows', () => ran.push('rows 2'));
      // Keys every 150 ms hold it back.
      for (let i = 0; i < 10; i++) {
        vi.advanceTimersByTime(150);
        queue.touch();
      }
      expect(ran).toEqual([]);
      expect(queue.pending).toBe(true);
      vi.advanceTimersByTime(400);
      expect(ran).toEqual(['rows 2', 'inspect']);
      expect(queue.pending).toBe(false);
      vi.advanceTimersByTime(10_000);
      expect(ran).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs at once on flush (the caret left the text), drops a cancelled or disposed task', () => {
    vi.useFakeTimers();
    try {
      const queue = new CalmQueue({ quietMs: 400 });
      const ran: string[] = [];
      queue.defer('rows', () => ran.push('rows'));
      queue.defer('inspect', () => ran.push('inspect'));
      queue.cancel('inspect');
      queue.flush();
      expect(ran).toEqual(['rows']);
      queue.defer('rows', () => ran.push('late'));
      queue.dispose();
      vi.advanceTimersByTime(1000);
      expect(ran).toEqual(['rows']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits for the idle callback, and a key before it runs puts it off again', () => {
    vi.useFakeTimers();
    try {
      const idle: (() => void)[] = [];
      const queue = new CalmQueue({ quietMs: 400, idle: (f) => idle.push(f) });
      const ran: string[] = [];
      queue.defer('rows', () => ran.push('rows'));
      vi.advanceTimersByTime(400);
      expect(idle).toHaveLength(1);
      queue.touch(); // a key before the page was idle
      idle.shift()!();
      expect(ran).toEqual([]);
      vi.advanceTimersByTime(400);
      idle.shift()!();
      expect(ran).toEqual(['rows']);
    } finally {
      vi.useRealTimers();
    }
  });
});
