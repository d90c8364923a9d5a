import type { KeyboardEvent, ReactNode } from 'react';
import { Link, navigate } from '../router.tsx';

export interface TabSpec {
  id: string;
  label: string;
  /** Each tab is an address: the selected tab is part of the URL, so it can be linked to and survives reloads. */
  href: string;
}

/**
 * Tabs as the WAI-ARIA pattern with manual activation: arrow keys, Home and End move focus along the tab list,
 * Enter, Space or a click open a tab (panels load data, so they open only when asked). Only the selected panel is
 * rendered.
 */
export function Tabs({
  label,
  idPrefix,
  tabs,
  selected,
  children,
}: {
  label: string;
  idPrefix: string;
  tabs: TabSpec[];
  selected: string;
  children: ReactNode;
}) {
  const tabId = (id: string) => `${idPrefix}-tab-${id}`;
  const panelId = `${idPrefix}-panel`;
  const onKeyDown = (event: KeyboardEvent<HTMLAnchorElement>, index: number) => {
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      const next = tabs[(target + tabs.length) % tabs.length]!;
      document.getElementById(tabId(next.id))?.focus();
    } else if (event.key === ' ') {
      event.preventDefault();
      navigate(tabs[index]!.href);
    }
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tablist">
        {tabs.map((tab, index) => {
          const isSelected = tab.id === selected;
          return (
            <Link
              key={tab.id}
              to={tab.href}
              role="tab"
              id={tabId(tab.id)}
              aria-selected={isSelected}
              aria-controls={isSelected ? panelId : undefined}
              tabIndex={isSelected ? 0 : -1}
              onKeyDown={(event) => onKeyDown(event, index)}
            >
              {tab.label}
            </Link>
          );
        })}
      </div>
      <div role="tabpanel" id={panelId} aria-labelledby={tabId(selected)} className="tabpanel">
        {children}
      </div>
    </div>
  );
}
