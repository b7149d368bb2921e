// Every page of the app, in navigation order. A page is a path pattern, its nav entry and the
// component that renders it; App picks the first whose pattern matches the location. Pages other
// than the executive one are loaded on first visit (their charts are most of their weight).
import { lazy, type ComponentType } from 'react';
import type { IconName } from '../components/ui/Icon';
import { ExecutiveDashboard } from '../features/overview/components/ExecutiveDashboard';

export interface PageDef {
  id: string;
  /** Path pattern; `:name` segments are parameters (see router.ts). */
  path: string;
  label: string;
  icon: IconName;
  /** Nav group; pages without one (detail pages such as a trace) are not in the nav. */
  section?: 'Dashboards' | 'Analyze';
  component: ComponentType<{ params: Record<string, string> }>;
}

// Keeps the named export of a lazily loaded module as the page component.
export function lazyPage<M>(load: () => Promise<M>, pick: (module: M) => ComponentType<{ params: Record<string, string> }>) {
  return lazy(() => load().then((module) => ({ default: pick(module) })));
}

export const PAGES: PageDef[] = [
  { id: 'executive', path: '/', label: 'Executive', icon: 'layers', section: 'Dashboards', component: ExecutiveDashboard },
  {
    id: 'cost',
    path: '/cost',
    label: 'Cost Analytics',
    icon: 'dollar',
    section: 'Dashboards',
    component: lazyPage(() => import('../features/cost/components/CostDashboard'), (m) => m.CostDashboard),
  },
  {
    id: 'budgets',
    path: '/budgets',
    label: 'Budgets & Alerts',
    icon: 'alert',
    section: 'Analyze',
    component: lazyPage(() => import('../features/budgets/components/BudgetsPage'), (m) => m.BudgetsPage),
  },
  {
    id: 'insights',
    path: '/insights',
    label: 'Insights',
    icon: 'coins',
    section: 'Analyze',
    component: lazyPage(() => import('../features/insights/components/InsightsPage'), (m) => m.InsightsPage),
  },
  {
    id: 'performance',
    path: '/performance',
    label: 'Performance',
    icon: 'gauge',
    section: 'Dashboards',
    component: lazyPage(() => import('../features/performance/components/PerformanceDashboard'), (m) => m.PerformanceDashboard),
  },
  {
    id: 'users',
    path: '/users',
    label: 'User Activity',
    icon: 'users',
    section: 'Dashboards',
    component: lazyPage(() => import('../features/users/components/UserActivityPage'), (m) => m.UserActivityPage),
  },
  {
    id: 'models',
    path: '/models',
    label: 'Model Comparison',
    icon: 'chart',
    section: 'Dashboards',
    component: lazyPage(() => import('../features/models/components/ModelComparisonPage'), (m) => m.ModelComparisonPage),
  },
  {
    id: 'explore',
    path: '/explore',
    label: 'Report Builder',
    icon: 'search',
    section: 'Analyze',
    component: lazyPage(() => import('../features/explore/components/ExplorePage'), (m) => m.ExplorePage),
  },
  {
    // A saved report's own URL (the same page; /explore?report=ID is the other form).
    id: 'explore-report',
    path: '/explore/:id',
    label: 'Report',
    icon: 'search',
    component: lazyPage(() => import('../features/explore/components/ExplorePage'), (m) => m.ExplorePage),
  },
  // The raw-event views (features/events): the explorer, and the trace / session detail pages.
  {
    id: 'events',
    path: '/events',
    label: 'Events',
    icon: 'search',
    section: 'Analyze',
    component: lazyPage(() => import('../features/events/components/EventsPage'), (m) => m.EventsPage),
  },
  {
    id: 'trace',
    path: '/traces/:trace_id',
    label: 'Trace',
    icon: 'activity',
    component: lazyPage(() => import('../features/events/components/TimelinePage'), (m) => m.TracePage),
  },
  {
    id: 'session',
    path: '/sessions/:session_id',
    label: 'Session',
    icon: 'activity',
    component: lazyPage(() => import('../features/events/components/TimelinePage'), (m) => m.SessionPage),
  },
];

/** Nav entries of pages still being built: shown as "Soon", not clickable, so no link is broken. */
export const PLANNED: { id: string; label: string; icon: IconName; section: 'Dashboards' | 'Analyze' }[] = [
];
