// @vitest-environment happy-dom
import { TextSelection } from 'prosemirror-state';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cpToPos } from '../../../src/renderer/editor/docCodec';
import { handleAnnotateKey } from '../../../src/renderer/editor/keys';
import { createEditor, type EditorOptions, type LoupeEditor } from '../../../src/renderer/editor/view';
import { LABELS, basic } from './helpers';

const TEXT = '市长表示：明年将推动三项改革。\n他说“我们会坚持”。';
let editor: LoupeEditor | undefined;

function open(overrides: Partial<EditorOptions> = {}): LoupeEditor {
  const mount = document.createElement('div');
  document.body.appendChild(mount);
  editor = createEditor(mount, {
    text: TEXT,
    spans: [
      { id: 'outer', label: 'quote', start: 5, end: 14 },
      { id: 'inner', label: 'quote', start: 7, end: 9 },
    ],
    labels: LABELS,
    ...overrides,
  });
  return editor;
}

/** Selects text by code points, as a mouse selection would. */
function selectText(ed: LoupeEditor, start: number, end: number): void {
  const { doc } = ed.view.state;
  ed.view.dispatch(ed.view.state.tr.setSelection(TextSelection.create(doc, cpToPos(doc, start), cpToPos(doc, end))));
}

const key = (k: string, init: KeyboardEventInit = {}) => new KeyboardEvent('keydown', { key: k, ...init });

afterEach(() => {
  editor?.destroy();
  editor = undefined;
  document.body.innerHTML = '';
});

describe('createEditor', () => {
  it('draws each span as its own element, nested spans in different lanes', () => {
    const ed = open();
    expect(ed.view.dom.querySelectorAll('p')).toHaveLength(2);
    const outer = ed.view.dom.querySelectorAll('.lp-span[data-span-id="outer"]');
    const inner = ed.view.dom.querySelector('.lp-span[data-span-id="inner"]')!;
    expect(Array.from(outer, (el) => el.textContent).join('')).toBe('明年将推动三项改革');
    expect(inner.textContent).toBe('将推');
    expect(inner.getAttribute('data-label')).toBe('quote');
    expect(inner.closest('.lp-span[data-span-id="outer"]')).not.toBeNull();
    expect(inner.className).toMatch(/lp-lane-1/);
    expect(outer[0]!.className).toMatch(/lp-lane-0/);
  });

  it('locks the text in annotate mode and unlocks it in edit mode', () => {
    const ed = open();
    expect(ed.mode).toBe('annotate');
    expect(ed.view.dom.getAttribute('contenteditable')).toBe('false');
    expect(ed.view.editable).toBe(false);
    ed.setMode('edit');
    expect(ed.view.dom.getAttribute('contenteditable')).toBe('true');
    expect(ed.view.dom.classList.contains('lp-mode-edit')).toBe(true);
  });

  it('reports changes and span selection, and load starts a fresh history', () => {
    const onChange = vi.fn();
    const onSelectSpan = vi.fn();
    const ed = open({ onChange, onSelectSpan });
    selectText(ed, 0, 2);
    expect(ed.tag('official')).toBe(true);
    const created = ed.selectedSpanId();
    expect(onSelectSpan).toHaveBeenLastCalledWith(created);
    expect(onChange.mock.calls.some(([, tr]) => tr.docChanged)).toBe(true);
    expect(basic(ed.read()).spans.map((s) => s.label)).toContain('official');

    ed.load('新文本', []);
    expect(onSelectSpan).toHaveBeenLastCalledWith(null);
    expect(basic(ed.read())).toEqual({ text: '新文本', spans: [] });
    expect(ed.undo()).toBe(false);
  });

  it('selects the innermost span on click and lets go on a click elsewhere', () => {
    const ed = open();
    const inner = ed.view.dom.querySelector('.lp-span[data-span-id="inner"]')!;
    const click = (target: Element, pos: number) => {
      const event = new MouseEvent('click');
      Object.defineProperty(event, 'target', { value: target });
      return ed.view.someProp('handleClick', (f) => f(ed.view, pos, event));
    };
    // A real click first puts the browser's caret where it lands.
    document.getSelection()!.collapse(inner.firstChild!, 1);
    expect(click(inner.firstChild!.parentElement!, cpToPos(ed.view.state.doc, 8))).toBe(true);
    expect(ed.selectedSpanId()).toBe('inner');
    const { from, to } = ed.view.state.selection;
    expect(ed.view.state.doc.textBetween(from, to)).toBe('将推');
    // The browser shows that selection too, although the text is not editable.
    expect(document.getSelection()!.toString()).toBe('将推');
    const plain = ed.view.dom.querySelector('p')!;
    click(plain, 1);
    expect(ed.selectedSpanId()).toBeNull();
  });

  it('takes a mouse (DOM) selection in annotate mode, so a hotkey can tag it', async () => {
    const ed = open();
    const second = ed.view.dom.querySelectorAll('p')[1]!.firstChild!;
    expect(second.textContent!.startsWith('他说')).toBe(true);
    document.getSelection()!.setBaseAndExtent(second, 0, second, 2);
    document.dispatchEvent(new Event('selectionchange'));
    await vi.waitFor(() => expect(ed.view.state.selection.empty).toBe(false));
    expect(handleAnnotateKey(ed, key('3'))).toBe(true);
    expect(basic(ed.read()).spans.find((s) => s.id === ed.selectedSpanId())).toMatchObject({ label: 'pledge', start: 16, end: 18 });
  });

  it('pastes plain paragraphs without span marks', () => {
    const ed = open({ mode: 'edit' });
    const at = cpToPos(ed.view.state.doc, 1);
    ed.view.dispatch(ed.view.state.tr.setSelection(TextSelection.create(ed.view.state.doc, at)));
    ed.view.pasteHTML('<p><span data-span-id="outer">抄来</span>的</p><h1>标题</h1>');
    const { text, spans } = basic(ed.read());
    expect(text.startsWith('市抄来的\n标题长表示')).toBe(true);
    expect(spans.map((s) => s.id).sort()).toEqual(['inner', 'outer']);
    expect(ed.view.state.doc.childCount).toBe(3);
  });
});

describe('handleAnnotateKey', () => {
  it('tags with hotkeys, relabels, removes, undoes and redoes', () => {
    const ed = open();
    selectText(ed, 16, 18);
    expect(handleAnnotateKey(ed, key('2'))).toBe(true);
    const id = ed.selectedSpanId()!;
    expect(basic(ed.read()).spans.find((s) => s.id === id)).toMatchObject({ label: 'official', start: 16, end: 18 });
    // The selection still is the new span: another hotkey fixes its label.
    expect(handleAnnotateKey(ed, key('!', { code: 'Digit1', shiftKey: true }))).toBe(true);
    expect(basic(ed.read()).spans.find((s) => s.id === id)!.label).toBe('quote');
    expect(handleAnnotateKey(ed, key('Backspace'))).toBe(true);
    expect(basic(ed.read()).spans.some((s) => s.id === id)).toBe(false);
    expect(handleAnnotateKey(ed, key('z', { ctrlKey: true }))).toBe(true);
    expect(basic(ed.read()).spans.find((s) => s.id === id)!.label).toBe('quote');
    expect(handleAnnotateKey(ed, key('Z', { metaKey: true, shiftKey: true }))).toBe(true);
    expect(basic(ed.read()).spans.some((s) => s.id === id)).toBe(false);
    expect(handleAnnotateKey(ed, key('z', { ctrlKey: true }))).toBe(true);
    expect(handleAnnotateKey(ed, key('y', { ctrlKey: true }))).toBe(true);
    expect(basic(ed.read()).spans.some((s) => s.id === id)).toBe(false);
  });

  it('walks spans with j/k and lets go with Escape', () => {
    const ed = open();
    selectText(ed, 0, 0);
    expect(handleAnnotateKey(ed, key('j'))).toBe(true);
    expect(ed.selectedSpanId()).toBe('outer');
    expect(handleAnnotateKey(ed, key('j'))).toBe(true);
    expect(ed.selectedSpanId()).toBe('inner');
    expect(handleAnnotateKey(ed, key('k'))).toBe(true);
    expect(ed.selectedSpanId()).toBe('outer');
    expect(handleAnnotateKey(ed, key('Escape'))).toBe(true);
    expect(ed.selectedSpanId()).toBeNull();
    expect(handleAnnotateKey(ed, key('Escape'))).toBe(false);
  });

  it('leaves keys alone in edit mode, in text fields and for unknown keys', () => {
    const ed = open();
    expect(handleAnnotateKey(ed, key('x'))).toBe(false);
    const input = document.createElement('input');
    document.body.appendChild(input);
    selectText(ed, 16, 18);
    const typed = new KeyboardEvent('keydown', { key: '1', bubbles: true });
    input.dispatchEvent(typed);
    expect(handleAnnotateKey(ed, typed)).toBe(false);
    ed.setMode('edit');
    expect(handleAnnotateKey(ed, key('1'))).toBe(false);
    expect(basic(ed.read()).spans).toHaveLength(2);
  });
});

describe('typing at the caret', () => {
  /** A keypress as the browser sends it; true when the editor took it (and so the browser inserts nothing). */
  const press = (ed: LoupeEditor, ch: string, init: KeyboardEventInit = {}): boolean => {
    const event = new KeyboardEvent('keypress', { key: ch, cancelable: true, ...init });
    Object.defineProperty(event, 'charCode', { value: ch.codePointAt(0) }); // happy-dom leaves it 0
    let taken = false;
    ed.view.someProp('handleKeyPress', (f) => (taken = !!f(ed.view, event)));
    return taken;
  };

  it('is inserted by the editor, not the browser, with the marks text typed there gets', () => {
    const ed = open({ mode: 'edit' });
    selectText(ed, 8, 8); // inside both spans
    expect(press(ed, '新')).toBe(true);
    selectText(ed, 15, 15); // just after the outer span's end: not part of it
    expect(press(ed, '!')).toBe(true);
    const { text, spans } = ed.read();
    expect(text.split('\n')[0]).toBe('市长表示：明年将新推动三项改革!。');
    expect(spans.map((s) => [s.id, text.slice(s.start, s.end)])).toEqual([
      ['outer', '明年将新推动三项改革'],
      ['inner', '将新推'],
    ]);
  });

  it('is left to the browser in annotate mode, over a selection, with Ctrl, and for Enter', () => {
    const ed = open();
    selectText(ed, 8, 8);
    expect(press(ed, 'x')).toBe(false); // annotate mode: the text is locked
    ed.setMode('edit');
    expect(press(ed, 'x', { ctrlKey: true })).toBe(false);
    expect(press(ed, '\r')).toBe(false);
    selectText(ed, 8, 10);
    expect(press(ed, 'x')).toBe(false); // ProseMirror's own keypress handling replaces selections
    expect(ed.read().text).toBe(TEXT);
  });
});


describe('a read-only corpus', () => {
  it('refuses every change to the document, whatever asks: tagging, removing, text, attributes and links', () => {
    let readOnly = true;
    const ed = open({ readOnly: () => readOnly, linkTypes: [{ name: 'speaker', from: [], to: [], color: '#000000', description: '' }] });
    const before = ed.read();
    selectText(ed, 0, 2);
    expect(ed.tag('official')).toBe(true); // the command applies; the guard drops its transaction
    ed.selectSpan('outer');
    ed.removeSelectedSpan();
    ed.view.dispatch(ed.view.state.tr.insertText('X', 1));
    expect(ed.read()).toEqual(before);
    // Selecting still works: the user can read the spans.
    expect(ed.selectSpan('inner')).toBe(true);
    expect(ed.selectedSpanId()).toBe('inner');
    readOnly = false;
    selectText(ed, 0, 2);
    ed.tag('official');
    expect(ed.read().spans).toHaveLength(3);
  });
});
