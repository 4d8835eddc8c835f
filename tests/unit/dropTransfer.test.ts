// @vitest-environment happy-dom
/**
 * What was dropped on the window: in the app, paths from the host (the Node side reads them); files
 * that are not on this computer, and everything in a browser, read in the page as bytes.
 */
import { describe, expect, it, vi } from 'vitest';
import type { HostBridge } from '../../src/shared/host';
import { readDropTransfer } from '../../src/renderer/platform';

const file = (name: string, text: string) => new File([text], name, { type: 'text/plain' });
const transferOf = (files: File[]) => ({ files, items: [] }) as unknown as DataTransfer;

describe('readDropTransfer', () => {
  it('gives the app host the dropped files and sends the paths it returns', async () => {
    const importDropped = vi.fn(async () => ({ paths: [{ path: '/news/a.txt', name: 'a.txt' }] }));
    const host = { importDropped } as unknown as HostBridge;
    const dropped = [file('a.txt', '甲')];
    expect(await readDropTransfer(host, transferOf(dropped))).toEqual({ paths: [{ path: '/news/a.txt', name: 'a.txt' }] });
    expect(importDropped).toHaveBeenCalledWith(dropped);
  });

  it('reads the bytes in the page when the host finds no paths (files from another program), and in a browser', async () => {
    const host = { importDropped: vi.fn(async () => null) } as unknown as HostBridge;
    const got = await readDropTransfer(host, transferOf([file('a.txt', '甲')]));
    expect('files' in got && got.files.map((f) => [f.name, new TextDecoder().decode(f.data)])).toEqual([['a.txt', '甲']]);
    const browser = await readDropTransfer({} as HostBridge, transferOf([file('b.txt', '乙')]));
    expect('files' in browser && browser.files.map((f) => [f.name, new TextDecoder().decode(f.data)])).toEqual([['b.txt', '乙']]);
  });
});
