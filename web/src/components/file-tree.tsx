import { type KeyboardEvent, type ReactNode, useMemo, useState } from 'react';
import { formatBytes } from '../lib/format.ts';

export interface TreeFile {
  path: string;
  executable?: boolean;
}

interface Node {
  name: string;
  path: string;
  /** Folders only. */
  children?: Node[];
  file?: TreeFile;
}

function buildTree(files: readonly TreeFile[]): Node[] {
  const root: Node = { name: '', path: '', children: [] };
  for (const file of files) {
    const parts = file.path.split('/');
    let folder = root;
    parts.forEach((part, index) => {
      const path = parts.slice(0, index + 1).join('/');
      if (index === parts.length - 1) {
        folder.children!.push({ name: part, path, file });
        return;
      }
      let next = folder.children!.find((child) => child.children && child.name === part);
      if (!next) {
        next = { name: part, path, children: [] };
        folder.children!.push(next);
      }
      folder = next;
    });
  }
  const sort = (nodes: Node[]) => {
    nodes.sort((a, b) => Number(!a.children) - Number(!b.children) || a.name.localeCompare(b.name));
    for (const node of nodes) if (node.children) sort(node.children);
  };
  sort(root.children!);
  return root.children!;
}

interface Visible {
  node: Node;
  level: number;
  parent: string | undefined;
  setsize: number;
  posinset: number;
}

function visibleNodes(nodes: Node[], expanded: ReadonlySet<string>, level = 1, parent?: string): Visible[] {
  const out: Visible[] = [];
  nodes.forEach((node, index) => {
    out.push({ node, level, parent, setsize: nodes.length, posinset: index + 1 });
    if (node.children && expanded.has(node.path))
      out.push(...visibleNodes(node.children, expanded, level + 1, node.path));
  });
  return out;
}

function allFolders(nodes: Node[]): string[] {
  return nodes.flatMap((node) => (node.children ? [node.path, ...allFolders(node.children)] : []));
}

/**
 * A folder's files as the WAI-ARIA tree pattern: one tab stop; Up and Down move, Right opens a folder or enters it,
 * Left closes it or goes to the parent, Home and End jump, Enter or Space opens a file or toggles a folder, and a
 * letter jumps to the next name starting with it.
 */
export function FileTree({
  files,
  label,
  selected,
  onOpen,
  sizes,
  marks,
  idPrefix = 'tree',
}: {
  files: readonly TreeFile[];
  label: string;
  selected?: string;
  onOpen: (path: string) => void;
  sizes?: ReadonlyMap<string, number>;
  /** Extra words after a file's name (problems found in it, a change). */
  marks?: ReadonlyMap<string, ReactNode>;
  idPrefix?: string;
}) {
  const tree = useMemo(() => buildTree(files), [files]);
  const [expanded, setExpanded] = useState<Set<string>>(() => {
    const folders = allFolders(tree);
    // Small items open whole; large ones show their top level first.
    if (files.length <= 200) return new Set(folders);
    return new Set(selected ? folders.filter((folder) => selected.startsWith(`${folder}/`)) : []);
  });
  const visible = visibleNodes(tree, expanded);
  const [focused, setFocused] = useState<string | undefined>(selected);
  const focusPath = visible.some((entry) => entry.node.path === focused) ? focused : (visible[0]?.node.path ?? '');
  const itemId = (path: string) => `${idPrefix}-${encodeURIComponent(path).replace(/%/g, '_')}`;

  const focus = (path: string) => {
    setFocused(path);
    const element = document.getElementById(itemId(path));
    // A child of a folder opened by this very key appears with the next render.
    if (element) element.focus();
    else requestAnimationFrame(() => document.getElementById(itemId(path))?.focus());
  };
  const toggle = (path: string, open?: boolean) =>
    setExpanded((previous) => {
      const next = new Set(previous);
      if (open ?? !next.has(path)) next.add(path);
      else next.delete(path);
      return next;
    });
  const activate = (node: Node) => {
    if (node.children) toggle(node.path);
    else onOpen(node.path);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>, entry: Visible) => {
    const index = visible.findIndex((candidate) => candidate.node.path === entry.node.path);
    const { node } = entry;
    const isOpen = node.children !== undefined && expanded.has(node.path);
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        if (visible[index + 1]) focus(visible[index + 1]!.node.path);
        break;
      case 'ArrowUp':
        if (visible[index - 1]) focus(visible[index - 1]!.node.path);
        break;
      case 'ArrowRight':
        if (node.children && !isOpen) toggle(node.path, true);
        else if (isOpen && node.children![0]) focus(node.children![0].path);
        break;
      case 'ArrowLeft':
        if (isOpen) toggle(node.path, false);
        else if (entry.parent !== undefined) focus(entry.parent);
        break;
      case 'Home':
        if (visible[0]) focus(visible[0].node.path);
        break;
      case 'End':
        if (visible.at(-1)) focus(visible.at(-1)!.node.path);
        break;
      case 'Enter':
      case ' ':
        activate(node);
        break;
      default:
        if (event.key.length === 1 && /\S/.test(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
          const letter = event.key.toLowerCase();
          const order = [...visible.slice(index + 1), ...visible.slice(0, index + 1)];
          const match = order.find((candidate) => candidate.node.name.toLowerCase().startsWith(letter));
          if (match) focus(match.node.path);
        } else handled = false;
    }
    if (handled) event.preventDefault();
  };

  // One flat list, as the pattern allows when every item says its level, position and set size: each item's name is
  // then its own row, not its row and everything under it.
  const items: ReactNode = visible.map((entry) => {
    const { node, level } = entry;
    const isFolder = node.children !== undefined;
    const isOpen = isFolder && expanded.has(node.path);
    const size = sizes?.get(node.path);
    return (
      <li
        key={node.path}
        id={itemId(node.path)}
        role="treeitem"
        aria-level={level}
        aria-setsize={entry.setsize}
        aria-posinset={entry.posinset}
        aria-expanded={isFolder ? isOpen : undefined}
        aria-selected={!isFolder ? node.path === selected : undefined}
        tabIndex={node.path === focusPath ? 0 : -1}
        onKeyDown={(event) => onKeyDown(event, entry)}
        onClick={() => {
          setFocused(node.path);
          activate(node);
        }}
        className={`${isFolder ? 'tree-folder' : 'tree-file'} tree-level-${Math.min(level, 10)}`}
      >
        <span className="tree-row">
          <span className="tree-icon" aria-hidden="true">
            {isFolder ? (isOpen ? '▾' : '▸') : '·'}
          </span>
          <span className="tree-name">
            {node.name}
            {isFolder ? '/' : ''}
          </span>
          {node.file?.executable && <span className="tree-note"> executable</span>}
          {size !== undefined && <span className="tree-size">, {formatBytes(size)}</span>}
          {marks?.get(node.path) !== undefined && <span className="tree-mark">{marks.get(node.path)}</span>}
        </span>
      </li>
    );
  });

  return (
    // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the WAI-ARIA tree pattern is a list made a tree.
    <ul role="tree" aria-label={label} className="file-tree">
      {items}
    </ul>
  );
}
