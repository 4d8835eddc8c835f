/**
 * Per-user settings (UI language, recent corpora) in `settings.json` of the data folder.
 * A missing or unreadable file means defaults: settings are never worth refusing to start over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OFFSET_UNITS, type Locale, type OffsetUnit, type Settings } from '../../shared/types';
import { writeFileAtomicSync } from '../files/atomicFile';

const MAX_RECENT = 10;

const DEFAULTS: Settings = { locale: null, recentCorpora: [], exportOffsets: 'codepoint' };

export class SettingsStore {
  private current: Settings;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'settings.json');
    this.current = SettingsStore.read(this.file);
  }

  private static read(file: string): Settings {
    try {
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Settings>;
      return {
        locale: raw.locale === 'en' || raw.locale === 'zh-CN' ? raw.locale : null,
        recentCorpora: Array.isArray(raw.recentCorpora)
          ? raw.recentCorpora.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT)
          : [],
        exportOffsets: OFFSET_UNITS.includes(raw.exportOffsets as OffsetUnit) ? (raw.exportOffsets as OffsetUnit) : 'codepoint',
      };
    } catch {
      return { ...DEFAULTS, recentCorpora: [] };
    }
  }

  get(): Settings {
    return { ...this.current, recentCorpora: [...this.current.recentCorpora] };
  }

  /** Applies the given changes and writes them. */
  update(changes: { locale?: Locale | null; exportOffsets?: OffsetUnit }): Settings {
    this.current = {
      ...this.current,
      ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
      ...(changes.exportOffsets !== undefined ? { exportOffsets: changes.exportOffsets } : {}),
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
