/**
 * Links, drawn: an arc from one span to the other, with an arrowhead and the link type, for the
 * links of the selected span, of the span under the mouse, and of the link being chosen. Drawing
 * only those keeps a document with thousands of links readable. Alt+drag from a span to another
 * links them. Plain DOM (an SVG layer over the editor); the text never moves for it.
 *
 * Nothing here writes into the editor's DOM: ProseMirror reads any change it did not make there as
 * an edit, and re-reads the text without its marks (hovering once made spans vanish). The spans at
 * the other ends of the hovered span's links are outlined by a style sheet of their ids instead.
 */
import type { EditorView } from 'prosemirror-view';
import { isHexColor } from '../../shared/schema';
import type { Link, LinkType } from '../../shared/types';
import { linkingChoice, linksOf } from './commands';
import { SPAN_ID_ATTR } from './schema';
import { findSpan, type SpanRange } from './spanMarks';
import { getSelectedSpanId } from './spanPlugin';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** How a span linked to the hovered one is outlined (as `.lp-linked` is for the selected span's). */
const HOVER_LINKED_STYLE = 'outline: 1px dashed var(--lc); outline-offset: 1px; border-radius: 2px;';

/** The selector of the drawn span (its decoration) with this id. */
const hoverLinkedSelector = (spanId: string): string => `.lp-editor .lp-span[${SPAN_ID_ATTR}="${CSS.escape(spanId)}"]`;
const FALLBACK_COLOR = '#495057';

interface Arc {
  from: SpanRange;
  to: SpanRange;
  type: string;
  color: string;
  preview?: boolean;
}

export interface LinkOverlayOptions {
  /** Whether Alt+drag may link (annotate mode). */
  canLink(): boolean;
  /** Links two spans (first fitting type); returns false when no link type fits. */
  link(fromId: string, toId: string): boolean;
  /** The spans under a DOM element, innermost (shortest) first. */
  spanAt(target: EventTarget | null): SpanRange | undefined;
  linkTypes(): readonly LinkType[];
}

export class LinkOverlay {
  private readonly svg: SVGSVGElement;
  private hoverId: string | null = null;
  private frame = 0;
  private drag: { from: SpanRange; x: number; y: number } | null = null;
  private pointer: { x: number; y: number } | null = null;
  /** Outlines the spans linked to the hovered one (rules by span id; the editor's DOM is ProseMirror's alone). */
  private readonly hoverSheet = new CSSStyleSheet();
  /** The rules in hoverSheet. */
  private hoverRules = '';
  private readonly listeners: [EventTarget, string, EventListener, boolean][] = [];

  constructor(
    private readonly view: EditorView,
    private readonly container: HTMLElement,
    private readonly options: LinkOverlayOptions,
  ) {
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.classList.add('lp-links');
    this.svg.setAttribute('aria-hidden', 'true');
    container.append(this.svg);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, this.hoverSheet];
    this.on(view.dom, 'mouseover', (e) => this.hover(e.target));
    this.on(view.dom, 'mouseleave', () => this.hover(null));
    this.on(container, 'mousedown', (e) => this.startDrag(e as MouseEvent), true);
    this.on(window, 'mousemove', (e) => this.moveDrag(e as MouseEvent));
    this.on(window, 'mouseup', (e) => this.endDrag(e as MouseEvent));
    this.on(window, 'resize', () => this.update());
    this.update();
  }

  private on(target: EventTarget, type: string, listener: EventListener, capture = false): void {
    target.addEventListener(type, listener, capture);
    this.listeners.push([target, type, listener, capture]);
  }

  /** Redraws at the next frame (after ProseMirror has updated the DOM). */
  update(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    for (const [target, type, listener, capture] of this.listeners) target.removeEventListener(type, listener, capture);
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((sheet) => sheet !== this.hoverSheet);
    this.svg.remove();
  }

  private colorOf(type: string): string {
    const color = this.options.linkTypes().find((t) => t.name === type)?.color;
    return isHexColor(color) ? color : FALLBACK_COLOR;
  }

  private arcsOf(id: string, seen: Set<string>): Arc[] {
    const doc = this.view.state.doc;
    return linksOf(doc, id)
      .filter((l: Link) => !seen.has(l.id) && seen.add(l.id))
      .map((l) => ({ from: findSpan(doc, l.from)!, to: findSpan(doc, l.to)!, type: l.type, color: this.colorOf(l.type) }));
  }

  private arcs(): Arc[] {
    const state = this.view.state;
    const choice = linkingChoice(state);
    const seen = new Set<string>();
    const arcs: Arc[] = [];
    if (choice) {
      arcs.push({ from: choice.from, to: choice.to, type: choice.type.name, color: this.colorOf(choice.type.name), preview: true });
      arcs.push(...this.arcsOf(choice.from.id, seen));
      return arcs;
    }
    const selected = getSelectedSpanId(state);
    if (selected !== null) arcs.push(...this.arcsOf(selected, seen));
    if (this.hoverId !== null && this.hoverId !== selected && findSpan(state.doc, this.hoverId)) {
      arcs.push(...this.arcsOf(this.hoverId, seen));
    }
    return arcs;
  }

  /** Where an arc meets a span: the top of its first character, relative to the container. */
  private anchor(span: SpanRange, origin: DOMRect): { x: number; y: number } | null {
    try {
      const c = this.view.coordsAtPos(Math.min(span.from + 1, span.fragments[0]!.to), -1);
      const start = this.view.coordsAtPos(span.from, 1);
      return { x: (start.left + c.right) / 2 - origin.left, y: start.top - origin.top };
    } catch {
      return null; // not rendered (e.g. outside a collapsed or detached part)
    }
  }

  private draw(): void {
    const arcs = this.arcs();
    if (!arcs.length && !(this.drag && this.pointer)) {
      // Nothing to draw: no layout is read (hovering spans while scrolling redraws every frame).
      if (this.svg.firstChild) this.svg.replaceChildren();
      this.svg.setAttribute('width', '0');
      this.svg.setAttribute('height', '0');
      return;
    }
    const origin = this.container.getBoundingClientRect();
    this.svg.replaceChildren();
    this.svg.setAttribute('width', String(this.container.scrollWidth));
    this.svg.setAttribute('height', String(this.container.scrollHeight));
    for (const arc of arcs) {
      const a = this.anchor(arc.from, origin);
      const b = this.anchor(arc.to, origin);
      if (a && b) this.drawArc(a, b, arc);
    }
    if (this.drag && this.pointer) {
      const a = this.anchor(this.drag.from, origin);
      if (a) this.drawArc(a, { x: this.pointer.x - origin.left, y: this.pointer.y - origin.top }, { ...this.drag, to: this.drag.from, type: '', color: FALLBACK_COLOR, preview: true });
    }
  }

  private drawArc(a: { x: number; y: number }, b: { x: number; y: number }, arc: Arc): void {
    const lift = 16 + Math.min(48, Math.abs(b.x - a.x) * 0.12 + Math.abs(b.y - a.y) * 0.05);
    const top = Math.min(a.y, b.y) - lift;
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', `M ${a.x} ${a.y} C ${a.x} ${top}, ${b.x} ${top}, ${b.x} ${b.y - 6}`);
    path.setAttribute('stroke', arc.color);
    path.classList.add('lp-arc');
    if (arc.preview) path.classList.add('lp-arc-preview');
    const head = document.createElementNS(SVG_NS, 'path');
    head.setAttribute('d', `M ${b.x - 4} ${b.y - 8} L ${b.x + 4} ${b.y - 8} L ${b.x} ${b.y - 1} Z`);
    head.setAttribute('fill', arc.color);
    const dot = document.createElementNS(SVG_NS, 'circle');
    dot.setAttribute('cx', String(a.x));
    dot.setAttribute('cy', String(a.y));
    dot.setAttribute('r', '2.5');
    dot.setAttribute('fill', arc.color);
    this.svg.append(path, head, dot);
    if (arc.type) {
      const label = document.createElementNS(SVG_NS, 'text');
      label.setAttribute('x', String((a.x + b.x) / 2));
      label.setAttribute('y', String(top + lift * 0.25 - 2));
      label.setAttribute('fill', arc.color);
      label.setAttribute('text-anchor', 'middle');
      label.classList.add('lp-arc-label');
      label.textContent = arc.type;
      this.svg.append(label);
    }
  }

  /** Hovering a span shows its links and outlines the spans at their other ends. */
  private hover(target: EventTarget | null): void {
    const el = target instanceof Element ? target.closest(`[${SPAN_ID_ATTR}]`) : null;
    const id = el ? (this.options.spanAt(target)?.id ?? null) : null;
    if (id === this.hoverId) return;
    this.hoverId = id;
    const others = id === null ? [] : linksOf(this.view.state.doc, id).map((l) => (l.from === id ? l.to : l.from));
    // The pointer passes over many spans without links (scrolling under a still pointer): from one
    // to another nothing changes, and nothing is redrawn. A new style sheet restyles the whole
    // document, so it is replaced only when its rules change.
    const rules = others.map((other) => `${hoverLinkedSelector(other)} { ${HOVER_LINKED_STYLE} }`).join('\n');
    if (!rules && !this.hoverRules) return;
    if (rules !== this.hoverRules) this.hoverSheet.replaceSync(rules);
    this.hoverRules = rules;
    this.update();
  }

  private startDrag(event: MouseEvent): void {
    if (!event.altKey || event.button !== 0 || !this.options.canLink()) return;
    const from = this.options.spanAt(event.target);
    if (!from) return;
    event.preventDefault();
    event.stopPropagation();
    this.drag = { from, x: event.clientX, y: event.clientY };
    this.pointer = { x: event.clientX, y: event.clientY };
    this.update();
  }

  private moveDrag(event: MouseEvent): void {
    if (!this.drag) return;
    this.pointer = { x: event.clientX, y: event.clientY };
    this.update();
  }

  private endDrag(event: MouseEvent): void {
    if (!this.drag) return;
    const from = this.drag.from;
    this.drag = null;
    this.pointer = null;
    const to = this.options.spanAt(event.target);
    if (to && to.id !== from.id) this.options.link(from.id, to.id);
    this.update();
  }
}
