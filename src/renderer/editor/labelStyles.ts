/**
 * CSS rules giving each label its colour. The app runs under a strict CSP (no inline styles), so
 * the UI inserts these rules with CSSOM (`sheet.insertRule`) whenever the label list changes.
 */
import { isHexColor } from '../../shared/schema';
import { LABEL_CLASS_PREFIX } from './spanClasses';

const FALLBACK_COLOR = '#868e96';

/** One rule per label: `.lp-label-K { --lc: <colour> }`, K being the label's index in the list. */
export function labelStyleRules(labels: readonly { color: string }[]): string[] {
  // Colours come from the corpus file: only a plain hex colour may reach the style sheet.
  return labels.map(
    (l, i) => `.${LABEL_CLASS_PREFIX}${i} { --lc: ${isHexColor(l.color) ? l.color : FALLBACK_COLOR}; }`,
  );
}
