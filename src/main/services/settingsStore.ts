/**
 * Per-user settings (UI language, recent corpora) in `settings.json` of the data folder.
 * A missing or unreadable file means defaults: settings are never worth refusing to start over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NAME_MAX } from '../../shared/schema';
import { OFFSET_UNITS, type Locale, type OffsetUnit, type Settings } from '../../shared/types';
import { writeFileAtomicSync } from '../files/atomicFile';

const MAX_RECENT = 10;

/** The computer's user name: who annotates until the user says otherwise. */
export function systemAnnotator(): string {
  try {
    const name = os.userInfo().username.trim();
    if (name) return name.slice(0, NAME_MAX);
  } catch {
    // no user name (a container without a passwd entry): the fallback below
  }
  return 'annotator';
}

/** An annotator name as stored: trimmed, not empty, not too long; else null. */
export function annotatorName(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const name = value.trim();
  return name && name.length <= NAME_MAX ? name : null;
}

type Stored = Omit<Settings, 'annotator' | 'annotatorChosen'> & { annotator: string | null };

const DEFAULTS: Stored = { locale: null, recentCorpora: [], exportOffsets: 'codepoint', annotator: null };

export class SettingsStore {
  private current: Stored;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'settings.json');
    this.current = SettingsStore.read(this.file);
  }

  private static read(file: string): Stored {
    try {
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Stored>;
      return {
        locale: raw.locale === 'en' || raw.locale === 'zh-CN' ? raw.locale : null,
        recentCorpora: Array.isArray(raw.recentCorpora)
          ? raw.recentCorpora.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT)
          : [],
        exportOffsets: OFFSET_UNITS.includes(raw.exportOffsets as OffsetUnit) ? (raw.exportOffsets as OffsetUnit) : 'codepoint',
        annotator: annotatorName(raw.annotator),
      };
    } catch {
      return { ...DEFAULTS, recentCorpora: [] };
    }
  }

  get(): Settings {
    return {
      ...this.current,
      recentCorpora: [...this.current.recentCorpora],
      annotator: this.current.annotator ?? systemAnnotator(),
      annotatorChosen: this.current.annotator !== null,
    };
  }

  /** Applies the given changes and writes them. */
  update(changes: { locale?: Locale | null; exportOffsets?: OffsetUnit; annotator?: string }): Settings {
    const annotator = changes.annotator === undefined ? undefined : annotatorName(changes.annotator);
    if (changes.annotator !== undefined && annotator === null) throw new Error(`an annotator's name is 1 to ${NAME_MAX} characters, not only spaces`);
    this.current = {
      ...this.current,
      ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
      ...(changes.exportOffsets !== undefined ? { exportOffsets: changes.exportOffsets } : {}),
      ...(annotator ? { annotator } : {}),
    };
    this.save();
    return this.get();
  }

  /** Moves `corpusPath` to the top of the recent list. */
  addRecent(corpusPath: string): void {
    const rest = this.current.recentCorpora.filter((p) => p !== corpusPath);
    this.current = { ...this.current, recentCorpora: [corpusPath, ...rest].slice(0, MAX_RECENT) };
    this.save();
  }

  private save(): void {
    writeFileAtomicSync(this.file, `${JSON.stringify(this.current, null, 2)}\n`);
  }
}
