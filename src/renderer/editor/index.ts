/** The editor core's public API, for the React wrapper. */
export { createEditor, spanAtClick, type EditorMode, type EditorOptions, type LoupeEditor } from './view';
export { handleAnnotateKey, labelForKey } from './keys';
export { docFromText, readDocument, cpToPos, posToCp, positionIndex, type DocumentContent } from './docCodec';
export * from './commands';
export {
  getSelectedSpanId,
  spansInDoc,
  spanPlugin,
  spanPluginKey,
  LABEL_CLASS_PREFIX,
  LANE_CLASS_PREFIX,
  SELECTED_CLASS,
  SPAN_CLASS,
  type EditorLabel,
} from './spanPlugin';
export { labelStyleRules } from './labelStyles';
export { schema } from './schema';
export type { SpanRange } from './spanMarks';
