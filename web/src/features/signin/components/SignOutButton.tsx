import { Icon } from '../../../components/ui/Icon';
import { useSession, useSignOut } from '../hooks/useSession';

/** Shown in the header while signed in with a session cookie. */
export function SignOutButton() {
  const session = useSession();
  const signOut = useSignOut();
  if (!session.data?.signed_in) return null;
  return (
    <button
      type="button"
      data-testid="signout"
      onClick={() => signOut.mutate()}
      disabled={signOut.isPending}
      title={`Signed in with key ${session.data.key_id ?? ''}`}
      aria-label="Sign out"
      className="grid h-9 w-9 place-items-center rounded-lg border border-border text-muted transition hover:bg-surface hover:text-fg"
    >
      <Icon name="logout" className="h-4.5 w-4.5" />
    </button>
  );
}
