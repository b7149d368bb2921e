import type { Overview } from '../../../api/types';
import { MetricCard } from '../../../components/ui/MetricCard';
import type { IconName } from '../../../components/ui/Icon';
import { useTheme } from '../../../hooks/useTheme';
import { cardViews, type CardView } from '../lib/cards';

const ICONS: Record<CardView['id'], IconName> = {
  activity: 'beaker',
  cost: 'dollar',
  latency: 'clock',
  success: 'check',
  users: 'users',
  tokens: 'coins',
};

export function OverviewCards({ overview }: { overview: Overview }) {
  const { palette } = useTheme();
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3">
      {cardViews(overview).map((view, index) => (
        <MetricCard key={view.id} {...view} icon={ICONS[view.id]} accent={palette.primary} index={index} />
      ))}
    </div>
  );
}

export function OverviewCardsSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-busy="true">
      {Array.from({ length: 6 }, (_, idx) => (
        <div key={idx} className="h-44 animate-pulse rounded-xl border border-border bg-background" />
      ))}
    </div>
  );
}
