import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { deleteSignIn, getSignInState, postSignIn } from '../../../api/client';

/** GET /api/v1/session: whether the app must ask for a key (docs/security.md). */
export function useSession() {
  return useQuery({ queryKey: ['signin'], queryFn: ({ signal }) => getSignInState(signal), staleTime: 60_000 });
}

/** Sign in with a key, or sign out; either way every cached answer is dropped and refetched. */
export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => postSignIn(key),
    onSuccess: () => client.resetQueries(),
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => deleteSignIn(),
    onSuccess: () => client.resetQueries(),
  });
}
