/**
 * What team annotation's operations answer (services/teamwork.ts, services/curation.ts), for the
 * command line and the app alike.
 */

export interface HandoutResult {
  path: string;
  documents: number;
  spans: number;
  /** The layers the copy carries. */
  layers: string[];
}

export interface LayerMerge {
  annotator: string;
  /** Documents whose layer was added to. */
  documents: number;
  spansAdded: number;
  linksAdded: number;
  /** Documents whose layer the corpus already had as the copy has it. */
  unchanged: number;
  /** Documents whose layer differs from the corpus's in what the copy does not carry (kept as the corpus has it). */
  conflicts: number;
  /** Spans merged from this copy before and removed in the corpus since: not brought back. */
  removedSince: number;
}

export interface MergeProblem {
  document: number;
  title: string;
  annotator: string | null;
  what: string;
}

export interface MergeReport {
  copy: string;
  /** The annotator the copy was handed out to, if it says. */
  handedOutTo: string | null;
  documents: { inCopy: number; byId: number; byText: number; aligned: number; notFound: number };
  layers: LayerMerge[];
  /** What could not be merged, one line each (spans not placed, conflicts, documents not found). */
  problems: MergeProblem[];
  /** Spans the copy says are nobody's (a brat or doccano file names no annotator), when no annotator was named for them: not merged. */
  unattributedSpans: number;
  /**
   * Document notes written in the copy and added to the corpus's (after what it had, under the
   * annotator's name; a note the corpus has already is not added again).
   */
  documentNotes: number;
  dryRun: boolean;
}

export type AgreementThreshold = 'all' | 'majority';

export interface AcceptAgreedReport {
  gold: string;
  annotators: string[];
  threshold: AgreementThreshold;
  /** Documents two or more of the annotators annotated (the others are left alone). */
  documents: number;
  spansAccepted: number;
  linksAccepted: number;
  /** Agreed spans the gold layer had already. */
  alreadyGold: number;
  dryRun: boolean;
}
