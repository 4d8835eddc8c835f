/**
 * The browser build's rendering of the shared menu model (src/shared/menu.ts): each menu a flat
 * list, a submenu's items named "Submenu: item", native-only items (roles, hidden aliases) left
 * out, and the keys shown those the page answers.
 */
import type { MenuCommand } from '../../shared/host';
import { isMenuItemEnabled, menuModel, type MenuLabel, type MenuNode, type MenuState } from '../../shared/menu';

/** One entry of an in-page menu. */
export interface PageMenuItem {
  id: string;
  label: string;
  command?: MenuCommand;
  disabled?: boolean;
  checked?: boolean;
  shortcut?: string;
}

export interface PageMenu {
  id: string;
  label: string;
  items: (PageMenuItem | 'separator')[];
}

/** The in-page menus for `state`, labels translated by `t`. */
export function pageMenus(state: MenuState, context: { hasDocument: boolean }, t: (key: string) => string): PageMenu[] {
  const label = (l: MenuLabel): string => ('key' in l ? t(l.key) : 'text' in l ? l.text : l.path);
  const flatten = (nodes: readonly MenuNode[], prefix: string): (PageMenuItem | 'separator')[] =>
    nodes.flatMap((node): (PageMenuItem | 'separator')[] => {
      switch (node.kind) {
        case 'role':
          return [];
        case 'separator':
          // Inside a flattened submenu a separator would split one group of "Submenu: …" items.
          return prefix ? [] : ['separator'];
        case 'submenu':
          return flatten(node.items, `${prefix}${label(node.label)}: `);
        case 'item':
          if (node.alias) return [];
          return [
            {
              id: node.id,
              label: prefix + label(node.label),
              ...(node.command ? { command: node.command } : {}),
              ...(isMenuItemEnabled(node, context) ? {} : { disabled: true }),
              ...(node.checked !== undefined ? { checked: node.checked } : {}),
              ...(node.pageKeys ? { shortcut: node.pageKeys } : {}),
            },
          ];
      }
    });
  return menuModel(state).map((menu) => ({ id: menu.id, label: label(menu.label), items: tidy(flatten(menu.items, '')) }));
}

/** No separator first, last or twice in a row (the items between them may have been native-only). */
function tidy(items: readonly (PageMenuItem | 'separator')[]): (PageMenuItem | 'separator')[] {
  const out: (PageMenuItem | 'separator')[] = [];
  for (const entry of items) {
    if (entry === 'separator' && (out.length === 0 || out.at(-1) === 'separator')) continue;
    out.push(entry);
  }
  while (out.at(-1) === 'separator') out.pop();
  return out;
}
