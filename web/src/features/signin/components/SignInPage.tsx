import { useState, type FormEvent } from 'react';
import { ApiError } from '../../../api/client';
import { Card } from '../../../components/ui/Card';
import { keyProblem, signInErrorMessage } from '../lib/session';
import { useSignIn } from '../hooks/useSession';

/** Asks once for a read (or admin) key; the server keeps the session in an HttpOnly cookie. */
export function SignInPage() {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const signIn = useSignIn();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wrong = keyProblem(key);
    setProblem(wrong);
    if (!wrong) signIn.mutate(key.trim());
  };
  const error = signIn.error instanceof ApiError ? signInErrorMessage(signIn.error.status, signIn.error.message) : null;
  const shown = problem ?? error;

  return (
    <div className="grid min-h-screen place-items-center bg-surface px-4">
      <Card data-testid="signin-page" className="w-full max-w-md px-6 py-8">
        <div className="mb-6 flex items-center gap-2">
          <img src="/favicon.svg" alt="" className="h-8 w-8" />
          <span className="text-lg font-semibold tracking-tight text-fg">
            MLtrack <span className="font-normal text-muted">Analytics</span>
          </span>
        </div>
        <h1 className="text-xl font-semibold text-fg">Sign in</h1>
        <p className="mt-1 text-sm text-muted">
          This server needs an API key. Paste a key with scope <strong>read</strong> or <strong>admin</strong>; create one
          with <code className="whitespace-nowrap rounded bg-surface px-1 py-0.5 text-xs">mltrack keys create --scope read</code>.
        </p>
        <form onSubmit={submit} className="mt-6 flex flex-col gap-3" noValidate>
          <label htmlFor="signin-key" className="text-sm font-medium text-fg">
            API key
          </label>
          <input
            id="signin-key"
            data-testid="signin-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(event) => setKey(event.target.value)}
            aria-invalid={shown ? true : undefined}
            aria-describedby={shown ? 'signin-error' : undefined}
            placeholder="mlt_…"
            className="w-full rounded-lg border border-border bg-background px-3 py-2 font-mono text-sm text-fg outline-none focus:border-primary"
          />
          {shown && (
            <p id="signin-error" role="alert" data-testid="signin-error" className="text-sm text-danger">
              {shown}
            </p>
          )}
          <button
            type="submit"
            data-testid="signin-submit"
            disabled={signIn.isPending}
            className="mt-2 rounded-lg bg-primary px-3 py-2 text-sm font-medium text-white transition hover:opacity-90 disabled:opacity-60"
          >
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="mt-6 text-xs text-muted">
          The key is sent once; the browser keeps only a session cookie that scripts cannot read. It ends after 12
          hours or when you sign out.
        </p>
      </Card>
    </div>
  );
}
