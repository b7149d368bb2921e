import type { ReactNode } from 'react';

interface FilterBarProps {
  children: ReactNode;
  trailing?: ReactNode;
  chips?: ReactNode;
}

/** The sticky bar of global controls at the top of a dashboard. */
export function FilterBar({ children, trailing, chips }: FilterBarProps) {
  return (
    <div
      data-testid="filter-bar"
      className="z-20 -mx-4 border-b print:hidden md:sticky md:top-0 border-border bg-surface/85 px-4 py-3 backdrop-blur md:-mx-6 md:px-6"
    >
      <div className="flex flex-wrap items-center gap-2">
        {children}
        {trailing && <div className="ml-auto flex items-center gap-2">{trailing}</div>}
      </div>
      {chips && <div className="mt-2 flex flex-wrap items-center gap-1.5">{chips}</div>}
    </div>
  );
}
