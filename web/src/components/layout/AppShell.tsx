import type { ReactNode } from 'react';
import { Header } from './Header';
import { PrintHeader } from './PrintHeader';
import { SideNav } from './SideNav';

export function AppShell({ demo, current, children }: { demo: boolean; current: string; children: ReactNode }) {
  return (
    <div className="flex min-h-full flex-col">
      <Header demo={demo} current={current} />
      <div className="flex flex-1 flex-col md:flex-row">
        <aside className="print:hidden border-b border-border bg-background p-2 md:w-64 md:shrink-0 md:border-r md:border-b-0 md:p-3">
          <SideNav current={current} />
        </aside>
        <main className="min-w-0 flex-1 px-4 pb-10 pt-5 md:px-6 print:p-0">
          <PrintHeader current={current} />
          {children}
        </main>
      </div>
    </div>
  );
}
