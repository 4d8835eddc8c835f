/**
 * The rows of a long list, virtualised by @tanstack/react-virtual: only the rows in view (and a
 * margin) are in the DOM, each measured as drawn, so rows may differ in height. The row holding the
 * keyboard focus and the selected row stay drawn, so focus is never dropped by scrolling, and the
 * arrow keys, Home/End and Page Up/Down move the focus from row to row across the whole list.
 */
import { defaultRangeExtractor, type Range, useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';

/** Rows drawn above and below the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 12;
/**
 * A list this short is drawn whole (a few hundred buttons cost nothing): every row of an ordinary
 * document can be found in the page (by the browser's find, by assistive tools), only long lists are cut.
 */
const DRAW_WHOLE_UP_TO = 200;

/** The indexes to draw: the visible range with its margin, plus the `pinned` rows inside the list. */
export function rowsToDraw(range: Range, pinned: readonly number[]): number[] {
  const rows = defaultRangeExtractor(range);
  const extra = pinned.filter((i) => i >= 0 && i < range.count && (i < range.startIndex - range.overscan || i > range.endIndex + range.overscan));
  if (extra.length === 0) return rows;
  return [...new Set([...rows, ...extra])].sort((a, b) => a - b);
}

/** Where a navigation key moves the focus from row `from` in a list of `count` rows, `page` rows to a screen. */
export function rowAfterKey(key: string, from: number, count: number, page: number): number | null {
  const to =
    key === 'ArrowDown' ? from + 1
    : key === 'ArrowUp' ? from - 1
    : key === 'Home' ? 0
    : key === 'End' ? count - 1
    : key === 'PageDown' ? from + page
    : key === 'PageUp' ? from - page
    : null;
  return to === null || count === 0 ? null : Math.max(0, Math.min(count - 1, to));
}

interface Options {
  count: number;
  /** A row's height before it is measured (the usual one: the list's scroll bar is right at once). */
  estimateSize: number;
  /** A stable key per row, so a measured height follows its row when rows are added or removed. */
  getKey(index: number): string | number;
  /** The selected row (-1 for none): kept drawn, and scrolled into view when `selectedKey` changes. */
  selectedIndex: number;
  selectedKey: string | number | null;
}

/** The virtualiser of a list whose scroll container gets `scrollRef` and whose rows get `rowProps`. */
export function useVirtualRows({ count, estimateSize, getKey, selectedIndex, selectedKey }: Options) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focused, setFocused] = useState(-1);
  const [focusRequest, setFocusRequest] = useState<{ index: number } | null>(null);
  const rangeExtractor = useCallback((range: Range) => rowsToDraw(range, [focused, selectedIndex]), [focused, selectedIndex]);
  // The compiler rule warns that useVirtualizer's functions cannot be memoised by React Compiler;
  // Loupe does not use React Compiler, and the virtualiser re-renders this hook itself when it scrolls.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimateSize,
    getItemKey: getKey,
    overscan: count <= DRAW_WHOLE_UP_TO ? count : OVERSCAN,
    rangeExtractor,
    // Scrolled to the end, the list stays at its end while the rows drawn there are measured (their
    // heights differ from the estimate): otherwise the last row is pushed out of view as it is drawn.
    // Rows added or removed elsewhere keep the rows in view where they are.
    anchorTo: 'end',
  });

  // The selected row comes into view when the selection moves (J/K, a click in the text, find),
  // also when the list learns of the selected span only after the selection moved (a new span).
  const scrolledFor = useRef<string | number | null>(null);
  useLayoutEffect(() => {
    if (selectedKey === null) scrolledFor.current = null;
    if (selectedIndex < 0 || scrolledFor.current === selectedKey) return;
    scrolledFor.current = selectedKey;
    virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, selectedKey, virtualizer]);

  // A row the keyboard moved to is drawn only after the scroll: focus it once it is in the DOM. This
  // runs after every render on purpose (the row appears a render or two later, when the virtualiser
  // has scrolled and drawn it) and stops setting state as soon as the focus has landed.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useLayoutEffect(() => {
    if (!focusRequest) return;
    const row = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${focusRequest.index}"] button`);
    if (row) {
      row.focus({ preventScroll: true });
      setFocusRequest(null);
    }
  });

  const onKeyDown = (event: React.KeyboardEvent, index: number) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const scroller = scrollRef.current;
    const page = Math.max(1, Math.floor((scroller?.clientHeight ?? 0) / estimateSize) - 1);
    const to = rowAfterKey(event.key, index, count, page);
    if (to === null) return;
    event.preventDefault();
    virtualizer.scrollToIndex(to, { align: 'auto' });
    setFocused(to);
    setFocusRequest({ index: to });
  };

  /** The props of row `index`'s element (the one measured). */
  const rowProps = (index: number, start: number) => ({
    'data-index': index,
    ref: virtualizer.measureElement,
    style: { transform: `translateY(${start}px)` },
    onFocus: () => setFocused(index),
    onBlur: (e: React.FocusEvent) => {
      if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused((f) => (f === index ? -1 : f));
    },
    onKeyDown: (e: React.KeyboardEvent) => onKeyDown(e, index),
  });

  return { scrollRef, virtualizer, rowProps };
}
