/**
 * Window-level keys: Ctrl/Cmd+S everywhere; Ctrl/Cmd+F, Esc out of edit mode; in annotate mode the
 * help and find keys, the keys into the side panel, and the editor's label and span keys. The state
 * is read from the controller when a key arrives, so nothing here copies it.
 */
import type { AppController } from './state/appController';
import { dialogStore } from './state/dialogs';
import { isTextField } from './editor/keys';

/** The keys a read-only corpus still answers: moving between spans, closing, help. */
const READ_ONLY_KEYS = new Set(['Tab', 'Escape', 'j', 'J', 'k', 'K', '?', '/', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']);

/** Whether a key event comes from the article (or nothing in particular): the page, or the editor's area. */
function isTextArea(target: EventTarget | null): boolean {
  if (target === document.body || target === document.documentElement || target === null) return true;
  return target instanceof Element && target.closest('.editor-scroll') !== null;
}

/** Listens for the window's keys on behalf of `app`; returns the function that stops listening. */
export function listenToWindowKeys(app: AppController): () => void {
  const onKey = (event: KeyboardEvent) => {
    const { overlay, mode, corpus, inspected } = app.getState();
    if (dialogStore.get() !== null || overlay !== null || isTextField(event.target)) return;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void app.flush().catch(() => undefined); // the status bar shows why it failed
      return;
    }
    // The lanes view (LanesView.tsx) takes its own keys.
    if (app.getState().lanes) return;
    const editor = app.editor;
    if (!editor) return;
    if (mod && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'f') {
      event.preventDefault();
      app.setOverlay('find');
      return;
    }
    if (mode === 'edit') {
      if (event.key === 'Escape') {
        event.preventDefault();
        app.setMode('annotate');
      }
      return;
    }
    // A read-only corpus: moving between spans and closing things only; nothing that changes it.
    if (corpus?.readOnly && !READ_ONLY_KEYS.has(event.key)) return;
    if (!mod && !event.altKey) {
      const key = event.key;
      if (key === '?' || key === '/') {
        event.preventDefault();
        app.setOverlay(key === '?' ? 'help' : 'find');
        return;
      }
      if (!inspected.linking && (key === 'a' || key === 'A') && app.inspector?.focusAttributes()) {
        event.preventDefault();
        return;
      }
      if (!inspected.linking && (key === 'n' || key === 'N') && app.inspector?.focusNote()) {
        event.preventDefault();
        return;
      }
      if (key === 'e' || key === 'E') {
        event.preventDefault();
        app.setMode('edit');
        return;
      }
    }
    // Tab selects spans only from the text; on a button or a list it moves the focus as usual.
    if (event.key === 'Tab' && !isTextArea(event.target)) return;
    if (editor.handleAnnotateKey(event)) event.preventDefault();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
