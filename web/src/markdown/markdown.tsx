import { useEffect, useMemo, useState } from 'react';
import { Loading } from '../components/bits.tsx';
import type { RenderOptions } from './render.ts';

type Renderer = typeof import('./render.ts');
let loaded: Promise<Renderer> | undefined;
/** The renderer (markdown-it and DOMPurify) is a chunk of its own, fetched the first time Markdown is shown. */
export const loadRenderer = () => {
  loaded ??= import('./render.ts');
  return loaded;
};

/** Markdown from an item, rendered and sanitised (see render.ts). */
export function Markdown({
  source,
  options,
  skill = false,
}: {
  source: string;
  options?: RenderOptions;
  /** A SKILL.md: its frontmatter is not part of the text. */
  skill?: boolean;
}) {
  const [renderer, setRenderer] = useState<Renderer | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void loadRenderer().then((module) => {
      if (live) setRenderer(module);
    });
    return () => {
      live = false;
    };
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: options are rebuilt each render; the source decides.
  const html = useMemo(() => {
    if (!renderer) return undefined;
    return renderer.renderMarkdown(skill ? renderer.skillBody(source) : source, options);
  }, [renderer, source, skill]);
  if (html === undefined) return <Loading what="Rendering" />;
  // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by render.ts (markdown-it without HTML, then DOMPurify).
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
