/**
 * Scrolling what the editor selects into view. ProseMirror scrolls to the DOM selection, which is
 * not in the text while the find bar, the span list or annotate mode's scroll area has the keyboard
 * (it then scrolls nothing, and a found match stays off-screen); this scrolls the text's scroll
 * container to the selection's positions instead, leaving a margin above and below.
 */
import type { EditorView } from 'prosemirror-view';

/** Room kept between the selection and the top or bottom of the text's area: at least this many pixels. */
export const SCROLL_MARGIN_PX = 72;
/** …or this share of the area's height, when that is more. */
const SCROLL_MARGIN_SHARE = 0.15;

/** The nearest ancestor of `el` that scrolls vertically. */
function scrollParent(el: HTMLElement): HTMLElement | null {
  for (let cur = el.parentElement; cur; cur = cur.parentElement) {
    const { overflowY } = getComputedStyle(cur);
    if (overflowY === 'auto' || overflowY === 'scroll') return cur;
  }
  return null;
}

/**
 * Scrolls so that from..to is in view with a margin, moving as little as it can; a range taller than
 * the area shows its start.
 */
export function scrollRangeIntoView(view: EditorView, from: number, to: number): void {
  const scroller = scrollParent(view.dom);
  if (!scroller) return;
  /** Places the range; returns where it then is in the area (px from its top), or null to stop. */
  const place = (): number | null => {
    if (!view.dom.isConnected) return null;
    let top: number;
    let bottom: number;
    try {
      const start = view.coordsAtPos(from, 1);
      const end = view.coordsAtPos(to, -1);
      top = Math.min(start.top, end.top);
      bottom = Math.max(start.bottom, end.bottom);
    } catch {
      return null; // a position the document no longer has
    }
    const box = scroller.getBoundingClientRect();
    const margin = Math.max(SCROLL_MARGIN_PX, box.height * SCROLL_MARGIN_SHARE);
    const low = box.top + margin;
    const high = box.bottom - margin;
    let delta = 0;
    if (top < low || bottom - top > high - low) delta = top - low;
    else if (bottom > high) delta = bottom - high;
    if (Math.abs(delta) >= 1) scroller.scrollTop += delta;
    return Math.round(top - delta - box.top);
  };
  // Paragraphs out of view are laid out at a guessed height (content-visibility: auto); drawn, they
  // take their real one and the text moves. So: place it again each frame until it stays put two
  // frames running (at most 30 frames), and stop as soon as the user scrolls by hand meanwhile
  // (scrollTop alone cannot tell: the browser's scroll anchoring moves it too).
  let last = place();
  if (last === null) return;
  let byHand = false;
  const hand = () => void (byHand = true);
  const events = ['wheel', 'pointerdown', 'touchstart'] as const;
  for (const e of events) scroller.addEventListener(e, hand, { passive: true });
  let frames = 0;
  const again = () => {
    const now = byHand ? null : place();
    if (now === null || ++frames > 30 || (now === last && frames > 1)) {
      for (const e of events) scroller.removeEventListener(e, hand);
      return;
    }
    last = now;
    requestAnimationFrame(again);
  };
  requestAnimationFrame(again);
}

/** ProseMirror's own scrolling (when the text has the keyboard), with the same margin. */
export const SCROLL_PROPS = { scrollMargin: SCROLL_MARGIN_PX, scrollThreshold: SCROLL_MARGIN_PX } as const;
