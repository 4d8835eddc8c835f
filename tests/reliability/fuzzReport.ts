/** What one fuzzing or crash run tried and found, in a form a report can print. */
export interface FuzzReport {
  /** The run, with what replays it (e.g. its seed). */
  name: string;
  /** Inputs tried in all. */
  inputs: number;
  /** Inputs tried, per kind (e.g. `method/kind`). */
  byKind: Record<string, number>;
  /** Inputs refused with a clear error and nothing changed. */
  rejectedClearly: number;
  /** Inputs that were accepted (and checked afterwards). */
  accepted: number;
  /** One line per failure, each carrying what replays it. */
  failures: string[];
  /** Wall time of the run. */
  ms: number;
}
