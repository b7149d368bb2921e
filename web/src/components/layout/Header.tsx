import { LiveToggle } from '../../features/live/components/LiveToggle';
import { useTheme } from '../../hooks/useTheme';
import { Icon } from '../ui/Icon';
import { SignOutButton } from '../../features/signin/components/SignOutButton';
import { ExportPdfButton } from './ExportPdfButton';

export function Header({ demo, current }: { demo: boolean; current: string }) {
  const { mode, toggle } = useTheme();
  return (
    <header className="print:hidden flex h-14 items-center gap-2 border-b border-border bg-background px-4 sm:gap-3 md:px-6">
      <a href="/" className="flex shrink-0 items-center gap-2">
        <img src="/favicon.svg" alt="" className="h-7 w-7" />
        <span className="whitespace-nowrap text-base font-semibold tracking-tight text-fg">
          MLtrack <span className="hidden font-normal text-muted sm:inline">Analytics</span>
        </span>
      </a>
      {demo && (
        <span
          data-testid="demo-badge"
          title="This store holds generated demo traffic (experiments named demo-*)"
          className="whitespace-nowrap rounded-full bg-warning/15 px-2 py-0.5 text-xs font-medium text-amber-700 dark:text-amber-300"
        >
          Demo data
        </span>
      )}
      <div className="ml-auto" />
      <LiveToggle />
      <ExportPdfButton current={current} />
      <button
        type="button"
        data-testid="theme-toggle"
        onClick={toggle}
        aria-label={mode === 'dark' ? 'Switch to light mode' : 'Switch to dark mode'}
        title={mode === 'dark' ? 'Light mode' : 'Dark mode'}
        className="grid h-9 w-9 place-items-center rounded-lg border border-border text-muted transition hover:bg-surface hover:text-fg"
      >
        <Icon name={mode === 'dark' ? 'sun' : 'moon'} className="h-4.5 w-4.5" />
      </button>
      <SignOutButton />
    </header>
  );
}
