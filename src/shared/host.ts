/**
 * What the window's host offers beyond the API contract: native dialogs and menu commands.
 * Electron implements it in the preload (over IPC to the shell); the browser build implements it
 * in the renderer with in-page dialogs.
 */
import type { ExportFormat, ImportFormat, ImportSelection, Locale, OffsetUnit } from './types';

/** A command from a native menu (or the in-page menu of the browser build). */
export type MenuCommand =
  | { type: 'new-corpus' }
  | { type: 'open-corpus'; readOnly?: boolean }
  | { type: 'save-copy' }
  | { type: 'restore-backup' }
  | { type: 'open-recent'; path: string }
  | { type: 'import'; format?: ImportFormat | 'auto'; folder?: boolean }
  | { type: 'export-dialog' }
  | { type: 'export'; scope: 'corpus' | 'document'; format: ExportFormat }
  | { type: 'save' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'toggle-mode' }
  | { type: 'edit-schema' }
  | { type: 'set-annotator' }
  | { type: 'agreement' }
  | { type: 'curate' }
  | { type: 'all-layers' }
  | { type: 'handout' }
  | { type: 'merge' }
  | { type: 'set-locale'; locale: Locale | null }
  | { type: 'set-export-offsets'; offsets: OffsetUnit }
  | { type: 'about' };

/** A file dropped on the window (a DOM File; this module sees neither DOM nor Node types). */
export interface DroppedFile {
  readonly name: string;
}

export interface HostBridge {
  readonly kind: 'electron' | 'web';
  /** Asks for an existing corpus file; null when cancelled. */
  chooseCorpusToOpen(): Promise<string | null>;
  /**
   * Asks for an annotator's work to merge (File › Merge annotations from…): a corpus file, or another
   * tool's export (Loupe JSONL/JSON, Label Studio JSON, a brat zip, doccano JSONL); null when cancelled.
   */
  chooseCopyToMerge(): Promise<string | null>;
  /** Asks where to create a new corpus file; null when cancelled. */
  chooseCorpusToCreate(): Promise<string | null>;
  /** Asks where to save a copy of the corpus (File › Save a copy); null when cancelled. */
  chooseCopyPath(defaultName: string): Promise<string | null>;
  /** Asks for files to import: their paths (the app) or bytes (a browser); null when cancelled. */
  chooseFilesToImport(): Promise<ImportSelection | null>;
  /** Asks for a folder and gives every file under it (names relative to the folder's parent); null when cancelled. */
  chooseFolderToImport(): Promise<ImportSelection | null>;
  /**
   * Electron only: the files and folders dropped on the window, as paths (folders walked as by
   * chooseFolderToImport), so the Node side reads them itself; null when some of them are not files
   * on this computer (dragged out of another program), which the page then reads. A browser has no
   * paths: it reads what was dropped (platform/webHost.ts, readDropped).
   */
  importDropped?(files: readonly DroppedFile[]): Promise<ImportSelection | null>;
  /** Asks where to write an export; null when cancelled. */
  chooseExportPath(defaultName: string, format: ExportFormat, offsets: OffsetUnit): Promise<string | null>;
  /** Asks where to save a small text file (a schema file) and writes it; false when cancelled. */
  saveTextFile(defaultName: string, content: string): Promise<boolean>;
  /**
   * Asks for a small text file (a schema file) and returns its name and UTF-8 text; null when
   * cancelled. Rejects a file over MAX_TEXT_FILE_BYTES or one that is not UTF-8.
   */
  openTextFile(): Promise<{ name: string; text: string } | null>;
  /** Subscribes to menu commands; returns the unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /**
   * Registers the work to finish (pending saves) before the window closes. `flush` rejects when
   * changes could not be saved; the host then lets the user keep the window open.
   */
  onBeforeClose(flush: () => Promise<void>, hasUnsavedChanges: () => boolean): void;
  /** Tells the shell which locale the UI uses, so native menus follow it. */
  setLocale(locale: Locale): void;
}

/** The name under which the preload exposes the API and the host. */
export const PRELOAD_GLOBAL = 'loupe';
