import type { UserActivity } from '../../../api/types';
import type { IconName } from '../../../components/ui/Icon';
import { MetricCard } from '../../../components/ui/MetricCard';
import { useTheme } from '../../../hooks/useTheme';
import { userCardViews, type UserCardView } from '../lib/cards';

const ICONS: Record<UserCardView['id'], IconName> = {
  users: 'users',
  daily: 'activity',
  'per-user': 'chart',
  cost: 'dollar',
};

export function UserCards({ activity }: { activity: UserActivity }) {
  const { palette } = useTheme();
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
      {userCardViews(activity).map((view, index) => (
        <MetricCard key={view.id} {...view} icon={ICONS[view.id]} accent={palette.primary} index={index} />
      ))}
    </div>
  );
}

export function UserCardsSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4" aria-busy="true">
      {Array.from({ length: 4 }, (_, idx) => (
        <div key={idx} className="h-40 animate-pulse rounded-xl border border-border bg-background" />
      ))}
    </div>
  );
}
