import { Card } from '../components/ui/Card';
import { EmptyState } from '../components/ui/EmptyState';
import { linkClick } from './router';

export function NotFound({ path }: { path: string }) {
  return (
    <Card>
      <EmptyState
        icon="search"
        title="There is no page here"
        hint={`${path} is not a page of MLtrack Analytics. The dashboards are in the navigation.`}
        action={
          <a href="/" onClick={linkClick('/')} className="mt-2 rounded-lg bg-primary px-3 py-1.5 text-sm font-medium text-white hover:opacity-90">
            Open the Executive Dashboard
          </a>
        }
      />
    </Card>
  );
}
