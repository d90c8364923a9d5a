import { type HTMLAttributes, useEffect, useRef } from 'react';

/** Until when a heading that appears takes the focus: set by a change of page, for pages that load first. */
let focusWanted = 0;

/** Asks the next page's heading to take the focus when it appears (within a few seconds). */
export function requestHeadingFocus(): void {
  focusWanted = Date.now() + 3000;
}

function focusIsFree(): boolean {
  const active = document.activeElement;
  return !active || active === document.body || active.id === 'main';
}

/**
 * A page's h1. After a change of page it takes the focus, so that a screen reader announces the new page and the
 * keyboard starts from its top; it does so only while nothing else holds the focus.
 */
export function PageHeading(props: HTMLAttributes<HTMLHeadingElement>) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Not cleared once taken: a page that shows its heading again once loaded takes the focus back if it was lost.
    if (Date.now() < focusWanted && focusIsFree()) ref.current?.focus({ preventScroll: true });
  }, []);
  return <h1 ref={ref} tabIndex={-1} {...props} />;
}
