// The five dashboards of the brief. Only the executive one exists; the others are listed, marked
// "Soon" and not clickable, so there is no broken link.
import { Icon, type IconName } from '../ui/Icon';

interface NavItem {
  id: string;
  label: string;
  icon: IconName;
  available: boolean;
}

export const DASHBOARDS: NavItem[] = [
  { id: 'executive', label: 'Executive', icon: 'layers', available: true },
  { id: 'cost', label: 'Cost Analytics', icon: 'dollar', available: false },
  { id: 'performance', label: 'Performance', icon: 'gauge', available: false },
  { id: 'models', label: 'Model Comparison', icon: 'chart', available: false },
  { id: 'users', label: 'User Activity', icon: 'users', available: false },
];

export function SideNav({ current }: { current: string }) {
  return (
    <nav aria-label="Dashboards" className="flex gap-1 overflow-x-auto md:flex-col md:overflow-visible">
      <p className="hidden px-3 pb-1 text-[11px] font-semibold tracking-wider text-muted uppercase md:block">Dashboards</p>
      {DASHBOARDS.map((item) =>
        item.available ? (
          <a
            key={item.id}
            href="/"
            aria-current={item.id === current ? 'page' : undefined}
            className={`flex shrink-0 items-center gap-2.5 rounded-lg px-3 py-2 text-sm font-medium transition ${
              item.id === current ? 'bg-primary/10 text-primary' : 'text-fg hover:bg-surface'
            }`}
          >
            <Icon name={item.icon} />
            {item.label}
          </a>
        ) : (
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
        ),
      )}
    </nav>
  );
}
