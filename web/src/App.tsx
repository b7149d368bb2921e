import { Suspense, type ReactElement } from 'react';
import { NotFound } from './app/NotFound';
import { PAGES } from './app/pages';
import { matchPath, useLocationPath } from './app/router';
import { AppShell } from './components/layout/AppShell';
import { SignInPage } from './features/signin/components/SignInPage';
import { useSession } from './features/signin/hooks/useSession';
import { gateFor } from './features/signin/lib/session';
import { useFields } from './hooks/useFields';

function PageSkeleton() {
  return (
    <div className="flex flex-col gap-4" aria-busy="true">
      <div className="h-8 w-64 animate-pulse rounded-lg bg-surface" />
      <div className="h-12 animate-pulse rounded-xl border border-border bg-background" />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        {Array.from({ length: 4 }, (_, idx) => (
          <div key={idx} className="h-80 animate-pulse rounded-xl border border-border bg-background" />
        ))}
      </div>
    </div>
  );
}

export function App() {
  const session = useSession();
  // Until the server said whether it needs a key, nothing else is asked (it would answer 401).
  if (session.isPending) return null;
  if (session.data && gateFor(session.data) === 'sign-in') return <SignInPage />;
  return <Dashboards />;
}

function Dashboards() {
  const path = useLocationPath();
  const fields = useFields();
  let match: { id: string; element: ReactElement } | null = null;
  for (const page of PAGES) {
    const params = matchPath(page.path, path);
    if (params) {
      const Page = page.component;
      match = { id: page.id, element: <Page params={params} /> };
      break;
    }
  }
  return (
    <AppShell demo={fields.data?.demo === true} current={match?.id ?? ''}>
      <Suspense fallback={<PageSkeleton />}>{match ? match.element : <NotFound path={path} />}</Suspense>
    </AppShell>
  );
}
