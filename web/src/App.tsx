import { AppShell } from './components/layout/AppShell';
import { ExecutiveDashboard } from './features/overview/components/ExecutiveDashboard';
import { useUrlFilters } from './features/filters/hooks/useUrlFilters';
import { useOverview } from './features/overview/hooks/useOverview';

export function App() {
  const [filters] = useUrlFilters();
  // Same query key as the dashboard's, so this costs no extra request.
  const overview = useOverview(filters);
  return (
    <AppShell demo={overview.data?.demo === true} current="executive">
      <ExecutiveDashboard />
    </AppShell>
  );
}
