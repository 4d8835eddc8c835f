/**
 * Work that makes a React commit, held back while the user types in the editor. While the caret is
 * in a contenteditable, every React commit measures the selection across the editor's DOM (tens of
 * milliseconds in a long report), and a key that lands meanwhile waits for it. What the window must
 * redraw through React after a change the user makes by typing (a row gone from the span list, the
 * selected span's text in the inspector) waits here until typing has paused for `quietMs` and the
 * page is idle, or until the caret leaves the editor (flush). Tasks are keyed: a newer task replaces
 * the pending one of its key.
 */
export interface CalmQueueOptions {
  /** How long typing must have paused. */
  quietMs: number;
  /** Runs `f` when the page is idle (requestIdleCallback); by default at once. */
  idle?: (f: () => void) => void;
}

export class CalmQueue {
  private readonly tasks = new Map<string, () => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every touch: an idle callback asked for before it runs nothing. */
  private generation = 0;

  constructor(private readonly options: CalmQueueOptions) {}

  /** True while some task waits. */
  get pending(): boolean {
    return this.tasks.size > 0;
  }

  /** Holds `task` (replacing the pending one of `key`) until the next pause. */
  defer(key: string, task: () => void): void {
    this.tasks.set(key, task);
    this.arm();
  }

  /** Drops the pending task of `key` (it was done another way, or is no longer needed). */
  cancel(key: string): void {
    this.tasks.delete(key);
    if (this.tasks.size === 0) this.disarm();
  }

  /** The user did something (a key, a change): the pending tasks wait for a pause again. */
  touch(): void {
    if (this.tasks.size > 0) this.arm();
  }

  /** Runs every pending task now, in the order they were first deferred. */
  flush = (): void => {
    this.disarm();
    const tasks = [...this.tasks.values()];
    this.tasks.clear();
    for (const task of tasks) task();
  };

  /** Drops every pending task. */
  dispose(): void {
    this.disarm();
    this.tasks.clear();
  }

  private arm(): void {
    this.disarm();
    const generation = this.generation;
    this.timer = setTimeout(() => {
      this.timer = null;
      const run = () => {
        if (generation === this.generation) this.flush();
      };
      if (this.options.idle) this.options.idle(run);
      else run();
    }, this.options.quietMs);
  }

  private disarm(): void {
    this.generation++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
