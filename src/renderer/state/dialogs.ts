/**
 * In-page dialogs (the browser build has no native ones; Electron uses them for messages too).
 * A tiny external store: the DialogHost component renders whatever is open.
 */
export type Dialog =
  | {
      kind: 'text';
      title: string;
      label: string;
      initial: string;
      /** A line under the field about what was typed (the full path a relative one stands for). */
      hint?: (value: string) => string;
      resolve: (value: string | null) => void;
    }
  | { kind: 'message'; title: string; lines: string[]; resolve: () => void }
  | { kind: 'confirm'; title: string; lines: string[]; confirmLabel: string; cancelLabel?: string; resolve: (confirmed: boolean) => void }
  | { kind: 'choices'; title: string; lines: string[]; rows: ChoiceRow[]; confirmLabel: string; resolve: (chosen: Record<string, string> | null) => void }
  | {
      kind: 'pick';
      title: string;
      lines: string[];
      /** What the items are (the list's name). */
      label: string;
      items: PickItem[];
      /** The values ticked at first. */
      initial: string[];
      confirmLabel: string;
      resolve: (chosen: string[] | null) => void;
    };

/** One of the things a pick dialog offers. */
export interface PickItem {
  value: string;
  label: string;
}

/** One question of a choices dialog: a name, and the values it may take (the first is the default). */
export interface ChoiceRow {
  name: string;
  /** What the select is called (its accessible name). */
  label: string;
  options: { value: string; label: string }[];
}

type Listener = () => void;

let current: Dialog | null = null;
const listeners = new Set<Listener>();

function set(next: Dialog | null): void {
  current = next;
  for (const l of listeners) l();
}

export const dialogStore = {
  get: (): Dialog | null => current,
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  close(): void {
    set(null);
  },
  /** Answers the open dialog as its Cancel (or Close) button would: Esc, wherever the focus is. */
  cancel(): boolean {
    const dialog = current;
    if (!dialog) return false;
    if (dialog.kind === 'message') dialog.resolve();
    else if (dialog.kind === 'confirm') dialog.resolve(false);
    else dialog.resolve(null);
    return true;
  },
};

/**
 * Asks for a line of text (a path, a title), `initial` selected so that typing replaces it; resolves
 * null when cancelled.
 */
export function promptText(title: string, label: string, initial = '', hint?: (value: string) => string): Promise<string | null> {
  return new Promise((resolve) => {
    set({ kind: 'text', title, label, initial, ...(hint ? { hint } : {}), resolve: (v) => (set(null), resolve(v)) });
  });
}

/** Shows a message until the user closes it. */
export function showMessage(title: string, lines: string[]): Promise<void> {
  return new Promise((resolve) => {
    set({ kind: 'message', title, lines, resolve: () => (set(null), resolve()) });
  });
}

/** Asks a yes/no question; resolves true only when the user confirms. `cancelLabel` names the other button (Cancel). */
export function confirmAction(title: string, lines: string[], confirmLabel: string, cancelLabel?: string): Promise<boolean> {
  return new Promise((resolve) => {
    set({ kind: 'confirm', title, lines, confirmLabel, ...(cancelLabel ? { cancelLabel } : {}), resolve: (v) => (set(null), resolve(v)) });
  });
}

/** Asks for one choice per row; resolves the chosen value of each row by name, or null when cancelled. */
export function chooseEach(title: string, lines: string[], rows: ChoiceRow[], confirmLabel: string): Promise<Record<string, string> | null> {
  return new Promise((resolve) => {
    set({ kind: 'choices', title, lines, rows, confirmLabel, resolve: (v) => (set(null), resolve(v)) });
  });
}

/** Asks for some of `items` (at least one); resolves their values in the items' order, or null when cancelled. */
export function pickSome(title: string, lines: string[], label: string, items: PickItem[], initial: string[], confirmLabel: string): Promise<string[] | null> {
  return new Promise((resolve) => {
    set({ kind: 'pick', title, lines, label, items, initial, confirmLabel, resolve: (v) => (set(null), resolve(v)) });
  });
}
