// The navigation: every page of app/pages.tsx that has a section, grouped by section, then the
// planned ones marked "Soon" (not clickable, so there is no broken link). Links keep the query
// string, so the global filters follow the user across dashboards.
import { PAGES, PLANNED } from '../../app/pages';
import { hrefKeepingFilters, linkClick } from '../../app/router';
import { Icon } from '../ui/Icon';

const SECTIONS = ['Dashboards', 'Analyze'] as const;

export function SideNav({ current }: { current: string }) {
  return (
    <nav aria-label="Pages" className="flex gap-1 overflow-x-auto md:flex-col md:overflow-visible">
      {SECTIONS.map((section) => {
        const pages = PAGES.filter((page) => page.section === section);
        const planned = PLANNED.filter((item) => item.section === section);
        if (pages.length + planned.length === 0) return null;
        return (
          <div key={section} className="flex gap-1 md:flex-col md:pb-3">
            <p className="hidden px-3 pb-1 text-[11px] font-semibold tracking-wider text-muted uppercase md:block">
              {section}
            </p>
            {pages.map((page) => (
              <a
                key={page.id}
                href={hrefKeepingFilters(page.path)}
                onClick={linkClick(page.path)}
                data-testid={`nav-${page.id}`}
                aria-current={page.id === current ? 'page' : undefined}
                className={`flex shrink-0 items-center gap-2.5 rounded-lg px-3 py-2 text-sm font-medium whitespace-nowrap transition ${
                  page.id === current ? 'bg-primary/10 text-primary' : 'text-fg hover:bg-surface'
                }`}
              >
                <Icon name={page.icon} />
                {page.label}
              </a>
            ))}
            {planned.map((item) => (
              <span
                key={item.id}
                aria-disabled="true"
                title={`${item.label} is coming soon`}
                data-testid={`nav-soon-${item.id}`}
                className="flex shrink-0 cursor-not-allowed items-center gap-2.5 rounded-lg px-3 py-2 text-sm whitespace-nowrap text-muted"
              >
                <Icon name={item.icon} />
                <span className="truncate">{item.label}</span>
                <span className="ml-1 rounded-full bg-surface px-1.5 py-0.5 text-[10px] font-medium tracking-wide uppercase md:ml-auto">
                  Soon
                </span>
              </span>
            ))}
          </div>
        );
      })}
    </nav>
  );
}
