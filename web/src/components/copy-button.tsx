import { useEffect, useRef, useState } from 'react';
import { useAnnounce } from '../announcer.tsx';

/** Copies `text` and says so in the live region (and on the button for a moment). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const announce = useAnnounce();
  const [copied, setCopied] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      announce(`Copied ${label} to the clipboard.`);
      setCopied(true);
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => setCopied(false), 2000);
    } catch {
      announce('Could not copy to the clipboard: select the text and copy it yourself.');
    }
  };
  return (
    <button type="button" className="button small" onClick={copy}>
      {copied ? 'Copied' : 'Copy'}
      <span className="visually-hidden"> {label}</span>
    </button>
  );
}

/** A block of code or configuration, scrollable by keyboard, with a Copy button. */
export function CodeBlock({ title, text, copyLabel }: { title: string; text: string; copyLabel?: string }) {
  return (
    <figure className="code-block">
      <figcaption className="code-head">
        <span>{title}</span>
        <CopyButton text={text} label={copyLabel ?? title} />
      </figcaption>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable block must be reachable by keyboard. */}
      <pre tabIndex={0}>
        <code>{text}</code>
      </pre>
    </figure>
  );
}
