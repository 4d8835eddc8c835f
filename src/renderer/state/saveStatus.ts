/**
 * The save status as a tiny store outside React. The status bar draws it straight into the DOM:
 * while the caret is in the editor, every React commit measures the selection across the editor's
 * DOM (React saves and restores it around commits), which in a long report costs tens of ms.
 */
import type { SaveStatus } from './autosave';

export class SaveStatusStore {
  private value: SaveStatus = { state: 'saved' };
  private readonly listeners = new Set<() => void>();

  get(): SaveStatus {
    return this.value;
  }

  set = (value: SaveStatus): void => {
    this.value = value;
    for (const listener of this.listeners) listener();
  };

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
