import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

/**
 * Markdown from an item (a SKILL.md body, a README) as HTML that is safe to put into the page. Two layers:
 * markdown-it with raw HTML off (any `<script>` or `<img onerror>` in the source is shown as text), then DOMPurify
 * with a list of the only elements and attributes Markdown makes, and a check of every URL:
 * - links: http, https and mailto; `#anchors`; paths inside the item, which open its Files tab; nothing else
 *   (`javascript:`, `data:`, `vbscript:`, `file:` and the rest lose their href);
 * - images: https, or a file of the item (served by the API, never run); no http, no data: (the page's CSP says
 *   the same);
 * - no style attributes (alignment in tables becomes a class), no ids (nothing can clobber the page's globals),
 *   no SVG or MathML.
 */

export interface RenderOptions {
  /** The URL of a file of the item for an image at `path` (relative to the item's folder). */
  imageUrl?: (path: string) => string;
  /** Where a link to a file of the item at `path` goes (its Files tab). */
  fileLink?: (path: string) => string;
}

const ALLOWED_TAGS = [
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'pre',
  'code',
  'em',
  'strong',
  's',
  'del',
  'a',
  'img',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'hr',
  'br',
];
const ALLOWED_ATTR = ['href', 'src', 'alt', 'title', 'start', 'class'];
const ALIGN_CLASS = /^align-(left|center|right)$/;
const LANGUAGE_CLASS = /^language-[A-Za-z0-9_+-]{1,40}$/;

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });
// markdown-it lets some data: images through; here no scheme is trusted before the checks below.
markdown.validateLink = () => true;
// The page has its own h1 and the tab its name: the document's headings go one level down (h1 is shown as h2).
markdown.core.ruler.push('shift_headings', (state) => {
  for (const token of state.tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close') {
      token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + 1)}`;
    }
  }
  return true;
});
// Table alignment arrives as a style attribute, which the page's CSP would refuse: make it a class.
markdown.core.ruler.push('align_classes', (state) => {
  for (const token of state.tokens) {
    if (token.type === 'th_open' || token.type === 'td_open') {
      const style = token.attrGet('style');
      const align = style && /text-align:\s*(left|center|right)/.exec(String(style))?.[1];
      token.attrs = null;
      if (align) token.attrSet('class', `align-${align}`);
    }
  }
  return true;
});

/** Where a URL written in an item's Markdown points, or undefined when it may not be used. */
type Target =
  | { kind: 'anchor'; href: string }
  | { kind: 'web'; href: string; scheme: 'http:' | 'https:' | 'mailto:' }
  | { kind: 'item-file'; path: string };

const ITEM_BASE = 'https://item.atlas.invalid/item/';

export function classifyUrl(raw: string): Target | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  if (text.startsWith('#')) return { kind: 'anchor', href: text };
  let url: URL;
  try {
    // The URL parser is the browser's own: it reads `java\tscript:`, entities already decoded, and case as a browser
    // would, so the scheme checked here is the scheme a click would use.
    url = new URL(text, ITEM_BASE);
  } catch {
    return undefined;
  }
  if (url.origin === new URL(ITEM_BASE).origin) {
    if (!url.pathname.startsWith('/item/')) return undefined;
    let path: string;
    try {
      path = decodeURIComponent(url.pathname.slice('/item/'.length));
    } catch {
      return undefined;
    }
    return path === '' ? undefined : { kind: 'item-file', path };
  }
  if (url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'mailto:') {
    return { kind: 'web', href: url.href, scheme: url.protocol };
  }
  return undefined;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

let options: RenderOptions = {};

// First layer: every link and image Markdown makes is checked where it is made.
const defaultLinkOpen = markdown.renderer.rules.link_open;
markdown.renderer.rules.link_open = (tokens, index, opts, env, self) => {
  const token = tokens[index]!;
  const target = classifyUrl(String(token.attrGet('href') ?? ''));
  token.attrs = null;
  if (target?.kind === 'anchor' || target?.kind === 'web') token.attrSet('href', target.href);
  else if (target?.kind === 'item-file' && options.fileLink) token.attrSet('href', options.fileLink(target.path));
  return defaultLinkOpen ? defaultLinkOpen(tokens, index, opts, env, self) : self.renderToken(tokens, index, opts);
};
markdown.renderer.rules.image = (tokens, index, opts, env, self) => {
  const token = tokens[index]!;
  const alt = self.renderInlineAsText(token.children ?? [], opts, env);
  const target = classifyUrl(String(token.attrGet('src') ?? ''));
  let src: string | undefined;
  if (target?.kind === 'web' && target.scheme === 'https:') src = target.href;
  else if (target?.kind === 'item-file' && options.imageUrl) src = options.imageUrl(target.path);
  // An image from anywhere else is shown as its text, never fetched.
  if (src === undefined) return alt ? escapeHtml(`[image: ${alt}]`) : '';
  const title = token.attrGet('title');
  const titleText = title === null ? '' : String(title);
  return `<img src="${escapeHtml(src)}" alt="${escapeHtml(alt)}"${titleText ? ` title="${escapeHtml(titleText)}"` : ''}>`;
};

/** The URLs the second layer lets through: what the first makes, checked again by the browser's own URL parser. */
function allowedHref(href: string): boolean {
  if (href.startsWith('#')) return true;
  if (href.startsWith('/') && !href.startsWith('//') && !href.startsWith('/\\')) return true;
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'mailto:';
  } catch {
    return false;
  }
}

function allowedImage(src: string): boolean {
  if (src.startsWith('/api/v1/items/') && !src.includes('..') && !src.includes('\\')) return true;
  try {
    return new URL(src).protocol === 'https:';
  } catch {
    return false;
  }
}

let purifier: ReturnType<typeof DOMPurify> | undefined;

function sanitizer() {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName === 'class') {
      const keep = data.attrValue.split(/\s+/).filter((name) => ALIGN_CLASS.test(name) || LANGUAGE_CLASS.test(name));
      data.attrValue = keep.join(' ');
      if (keep.length === 0) data.keepAttr = false;
    }
  });
  // Runs on the sanitiser's inert document: nothing here loads or runs.
  purifier.addHook('afterSanitizeAttributes', (node) => {
    const element = node as Element;
    if (element.tagName === 'A') {
      const href = element.getAttribute('href');
      if (href !== null && !allowedHref(href.trim())) element.removeAttribute('href');
      else if (href !== null && !href.startsWith('#') && !href.startsWith('/')) {
        element.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    } else if (element.tagName === 'IMG') {
      const src = element.getAttribute('src');
      if (src === null || !allowedImage(src.trim())) element.removeAttribute('src');
      element.setAttribute('loading', 'lazy');
      element.setAttribute('referrerpolicy', 'no-referrer');
      if (!element.hasAttribute('alt')) element.setAttribute('alt', '');
    } else if (element.tagName === 'PRE') {
      // A long code block scrolls; it must be reachable by keyboard to scroll.
      element.setAttribute('tabindex', '0');
    }
  });
  return purifier;
}

/** The second layer: HTML down to what Markdown makes (see the module comment). Exposed for tests. */
export function sanitizeHtml(html: string): string {
  return sanitizer().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
  });
}

/** Renders Markdown to safe HTML. */
export function renderMarkdown(source: string, renderOptions: RenderOptions = {}): string {
  options = renderOptions;
  try {
    return sanitizeHtml(markdown.render(source));
  } finally {
    options = {};
  }
}

/** The Markdown body of a SKILL.md: what follows its YAML frontmatter. */
export function skillBody(text: string): string {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const match = /^---[ \t]*\n[\s\S]*?\n---[ \t]*(?:\n|$)/.exec(normalised);
  return match ? normalised.slice(match[0].length) : normalised;
}
