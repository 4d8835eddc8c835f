/** The language of a document's text, for font and line-breaking choices: its metadata, else a guess from the text. */
export function documentLanguage(doc: { text: string; meta?: Record<string, unknown> }): string {
  if (typeof doc.meta?.language === 'string') return doc.meta.language;
  return /[\u3400-\u9fff]/.test(doc.text.slice(0, 2000)) ? 'zh' : 'en';
}
