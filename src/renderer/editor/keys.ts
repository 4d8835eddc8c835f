/**
 * Keyboard bindings. In annotate mode the text is locked and the window's key handler calls
 * `handleAnnotateKey`; in edit mode the view's own keymap applies (base editing, history, Alt+hotkey).
 * The full list of keys, as users see it, is in src/renderer/components/KeyboardHelp.tsx.
 */
import { baseKeymap } from 'prosemirror-commands';
import { redo, undo } from 'prosemirror-history';
import { keymap } from 'prosemirror-keymap';
import { Plugin } from 'prosemirror-state';
import {
  addFragment,
  applyLabel,
  cancelLinking,
  confirmLink,
  cycleLinkTarget,
  cycleLinkType,
  moveEdge,
  selectQuoted,
  selectSpan,
  startLinking,
} from './commands';
import { type EditorLabel, spanState } from './spanPlugin';
import type { LoupeEditor } from './view';

interface KeyLike {
  key: string;
  code?: string;
}

/** The label whose hotkey the event's key is (letters ignore case; digits also match by key position). */
export function labelForKey(labels: readonly EditorLabel[], event: KeyLike): EditorLabel | undefined {
  const key = event.key.length === 1 ? event.key.toLowerCase() : '';
  // With Shift or a non-US layout, `key` may not be the digit; `code` still names the key.
  const code = /^(?:Digit|Numpad)(\d)$/.exec(event.code ?? '')?.[1] ?? /^Key([A-Z])$/.exec(event.code ?? '')?.[1]?.toLowerCase();
  return labels.find((l) => {
    const hotkey = l.hotkey?.toLowerCase();
    return !!hotkey && (hotkey === key || hotkey === code);
  });
}

/** Whether a key event's target is a text field other than the editor (its keys are not ours). */
export function isTextField(target: EventTarget | null, editorRoot?: globalThis.Node | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; closest?: (s: string) => unknown } | null;
  if (!el || typeof el.tagName !== 'string') return false;
  if (editorRoot ? editorRoot.contains(target as globalThis.Node) : el.closest?.('.ProseMirror')) return false;
  return el.isContentEditable === true || /^(?:INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
}

/** Whether annotate mode is choosing a link's target. */
export function isLinking(editor: LoupeEditor): boolean {
  return spanState(editor.view.state).linking !== null;
}

/**
 * Handles a key in annotate mode. Label hotkeys tag the selection (or relabel the selected span);
 * with Alt they add the selection as a fragment of the span selected last. Delete/Backspace remove
 * the selected span, Escape lets go of it, J/K or Tab/Shift+Tab select the next/previous span, L
 * starts a link (then Tab cycles targets, T the link type, Enter links, Esc cancels), Q selects the
 * quotation around the selection, [ and ] grow the start and end (Shift: shrink; Alt: to the next
 * punctuation), Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z and Ctrl+Y redo. Returns true when the editor acted.
 */
export function handleAnnotateKey(
  editor: LoupeEditor,
  event: KeyboardEvent,
  labels: readonly EditorLabel[] = editor.labels,
): boolean {
  if (editor.mode !== 'annotate' || event.isComposing || event.defaultPrevented) return false;
  if (isTextField(event.target, editor.view.dom)) return false;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const run = editor.run;
  if (event.ctrlKey || event.metaKey) {
    if (event.altKey) return false;
    if (key === 'z') return event.shiftKey ? editor.redo() : editor.undo();
    if (key === 'y' && event.ctrlKey && !event.shiftKey) return editor.redo();
    return false;
  }
  if (isLinking(editor)) {
    switch (key) {
      case 'Tab':
        return run(cycleLinkTarget(event.shiftKey ? -1 : 1));
      case 'j':
      case 'ArrowDown':
      case 'ArrowRight':
        return run(cycleLinkTarget(1));
      case 'k':
      case 'ArrowUp':
      case 'ArrowLeft':
        return run(cycleLinkTarget(-1));
      case 't':
        return run(cycleLinkType());
      case 'Enter':
        return run(confirmLink());
      case 'Escape':
      case 'l':
        return run(cancelLinking());
      default:
        return false;
    }
  }
  if (event.code === 'BracketLeft' || event.code === 'BracketRight') {
    const edge = event.code === 'BracketLeft' ? 'start' : 'end';
    // [ grows the start leftward, ] grows the end rightward; Shift moves them inward.
    const outward = edge === 'start' ? -1 : 1;
    const dir = (event.shiftKey ? -outward : outward) as 1 | -1;
    return run(moveEdge(edge, dir, event.altKey ? 'punct' : 'char'));
  }
  const label = labelForKey(labels, event);
  // Alt+hotkey: a fragment. (Shift cannot be the modifier: some layouts need it to type a digit.)
  if (label) return event.altKey ? run(addFragment(label.name)) : editor.tag(label.name);
  if (event.altKey) return false;
  switch (key) {
    case 'Delete':
    case 'Backspace':
      return editor.removeSelectedSpan();
    case 'Escape':
      return editor.selectSpan(null);
    case 'Tab':
      return editor.selectNextSpan(event.shiftKey ? -1 : 1);
    case 'j':
      return editor.selectNextSpan(1);
    case 'k':
      return editor.selectNextSpan(-1);
    case 'l':
      return run(startLinking());
    case 'q':
      return run(selectQuoted());
    default:
      return false;
  }
}

/** The edit-mode key bindings; `labels` is read at key time, so label changes apply at once. */
export function editKeymap(labels: () => readonly EditorLabel[]): Plugin[] {
  const altHotkeys = new Plugin({
    props: {
      handleKeyDown(view, event) {
        if (!event.altKey || event.ctrlKey || event.metaKey) return false;
        const label = labelForKey(labels(), event);
        return !!label && applyLabel(label.name)(view.state, view.dispatch);
      },
    },
  });
  return [
    keymap({ 'Mod-z': undo, 'Shift-Mod-z': redo, 'Mod-y': redo, Escape: selectSpan(null) }),
    altHotkeys,
    keymap(baseKeymap),
  ];
}
