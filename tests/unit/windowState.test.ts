import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_STATE,
  fitToDisplays,
  MIN_WINDOW_SIZE,
  readWindowState,
  writeWindowState,
} from '../../src/main/shell/windowState';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const rightMonitor = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('window state file', () => {
  const dirs: string[] = [];
  const tempFile = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-ws-'));
    dirs.push(dir);
    return path.join(dir, 'sub', 'window-state.json');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('round-trips what was written', () => {
    const file = tempFile();
    writeWindowState(file, { x: 10, y: 20, width: 900, height: 700, maximized: true });
    expect(readWindowState(file)).toEqual({ x: 10, y: 20, width: 900, height: 700, maximized: true });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['window-state.json']);
  });

  it('falls back to the default for a missing or damaged file', () => {
    const file = tempFile();
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"width": 800, "hei');
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
    fs.writeFileSync(file, JSON.stringify({ width: -5, height: 'tall', x: 3 }));
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
  });
});

describe('fitToDisplays', () => {
  it('keeps a window that is on a display', () => {
    const state = { x: 1600, y: 100, width: 1200, height: 900, maximized: false };
    expect(fitToDisplays(state, [laptop, rightMonitor])).toEqual(state);
  });

  it('centres a window saved on a monitor that is gone, and shrinks it to fit', () => {
    const state = { x: 1600, y: 100, width: 2400, height: 1300, maximized: true };
    expect(fitToDisplays(state, [laptop])).toEqual({ width: 1440, height: 875, maximized: true });
  });

  it('centres a window whose title bar is above the screen', () => {
    const fitted = fitToDisplays({ x: 100, y: -400, width: 800, height: 600, maximized: false }, [laptop]);
    expect(fitted.x).toBeUndefined();
    expect(fitted.y).toBeUndefined();
  });

  it('centres a window with only a sliver left on screen', () => {
    const fitted = fitToDisplays({ x: 1400, y: 100, width: 800, height: 600, maximized: false }, [laptop]);
    expect(fitted.x).toBeUndefined();
  });

  it('never goes below the minimum size when the display allows it', () => {
    const fitted = fitToDisplays({ width: 100, height: 50, maximized: false }, [laptop]);
    expect(fitted).toEqual({ width: MIN_WINDOW_SIZE.width, height: MIN_WINDOW_SIZE.height, maximized: false });
  });
});
