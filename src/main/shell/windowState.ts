/**
 * The main window's remembered size, position and maximized flag: a small JSON file in the data
 * folder, read at start and written on close. Plain Node; the shell passes in the displays' work
 * areas so a window saved on a monitor that is gone comes back on screen.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Absent: let the window manager centre the window. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };
export const MIN_WINDOW_SIZE = { width: 720, height: 480 } as const;

/** The state file's name inside the data folder. */
export const WINDOW_STATE_FILE = 'window-state.json';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Reads the saved state; a missing or damaged file gives the default. */
export function readWindowState(file: string): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_WINDOW_STATE };
  const r = raw as Record<string, unknown>;
  const state: WindowState = {
    width: isInt(r.width) && r.width > 0 ? r.width : DEFAULT_WINDOW_STATE.width,
    height: isInt(r.height) && r.height > 0 ? r.height : DEFAULT_WINDOW_STATE.height,
    maximized: r.maximized === true,
  };
  if (isInt(r.x) && isInt(r.y)) {
    state.x = r.x;
    state.y = r.y;
  }
  return state;
}

/** Writes the state atomically (temp file + rename) so a crash never leaves half a file. */
export function writeWindowState(file: string, state: WindowState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2));
  fs.renameSync(tmp, file);
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Makes a saved state fit the current displays: the size shrinks to the largest work area, and the
 * position is dropped (window centred) unless the title bar is reachable on one display.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  if (workAreas.length === 0) return { ...state };
  const widest = Math.max(...workAreas.map((a) => a.width));
  const tallest = Math.max(...workAreas.map((a) => a.height));
  const fitted: WindowState = {
    width: Math.max(Math.min(state.width, widest), Math.min(MIN_WINDOW_SIZE.width, widest)),
    height: Math.max(Math.min(state.height, tallest), Math.min(MIN_WINDOW_SIZE.height, tallest)),
    maximized: state.maximized,
  };
  if (state.x === undefined || state.y === undefined) return fitted;
  const { x, y } = state;
  // the strip the user drags the window by: its top 32 px, at least 100 px of it on one display
  const titleBar: Rect = { x, y, width: fitted.width, height: 32 };
  const reachable = workAreas.some((area) => {
    const o = overlap(titleBar, area);
    return o.width >= Math.min(100, fitted.width) && o.height > 0 && y >= area.y;
  });
  if (reachable) {
    fitted.x = x;
    fitted.y = y;
  }
  return fitted;
}
