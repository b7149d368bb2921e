import type { Performance } from '../../../api/types';
import { MetricCard } from '../../../components/ui/MetricCard';
import type { IconName } from '../../../components/ui/Icon';
import { perfCardViews, type PerfCardView } from '../lib/cards';

const ICONS: Record<PerfCardView['id'], IconName> = {
  latency: 'clock',
  ttft: 'activity',
  errors: 'alert',
  cache: 'layers',
};

export function PerformanceCards({ data }: { data: Performance }) {
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
      {perfCardViews(data).map((view, index) => (
        <MetricCard key={view.id} {...view} icon={ICONS[view.id]} index={index} />
      ))}
    </div>
  );
}

export function PerformanceCardsSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4" aria-busy="true">
      {Array.from({ length: 4 }, (_, idx) => (
        <div key={idx} className="h-40 animate-pulse rounded-xl border border-border bg-background" />
      ))}
    </div>
  );
}
