// The User Activity page's own URL parameters (beyond the global filters): the leaderboard's sort,
// the funnel's steps and window. Kept in the query string, so a view can be shared.
import type { LeaderboardSort } from '../../../api/types';
import { dashboardParams, type Filters } from '../../filters/lib/filters';

export const SORTS: LeaderboardSort[] = ['cost', 'calls', 'tokens', 'errors'];
export const WINDOWS = ['30m', '1h', '6h', '1d', '7d'] as const;
export const DEFAULT_WINDOW = '1d';
/** Steps of the demo's RAG journey, proposed when the store holds demo data and no steps are set. */
export const DEMO_STEPS = ['tags.step:search', 'tags.step:answer', 'tags.step:feedback'];
export const MAX_STEPS = 10;

export interface UsersView {
  sort: LeaderboardSort;
  /** Each `<field>:<value>`, in order; fewer than two: no funnel asked. */
  steps: string[];
  window: string;
}

export const USERS_VIEW_KEYS = ['sort', 'steps', 'window'] as const;

export function parseUsersView(search: string): UsersView {
  const params = new URLSearchParams(search);
  const sort = params.get('sort');
  const window = params.get('window');
  return {
    sort: SORTS.includes(sort as LeaderboardSort) ? (sort as LeaderboardSort) : 'cost',
    steps: splitSteps(params.get('steps') ?? ''),
    window: window && /^\d+[mhdw]$/.test(window) ? window : DEFAULT_WINDOW,
  };
}

/** `search` with the view's keys replaced (defaults left out). */
export function withUsersView(search: string, view: UsersView): string {
  const params = new URLSearchParams(search);
  for (const key of USERS_VIEW_KEYS) params.delete(key);
  if (view.sort !== 'cost') params.set('sort', view.sort);
  if (view.steps.length > 0) params.set('steps', view.steps.join(','));
  if (view.window !== DEFAULT_WINDOW) params.set('window', view.window);
  return params.toString();
}

export function splitSteps(text: string): string[] {
  return text
    .split(',')
    .map((step) => step.trim())
    .filter((step) => step !== '');
}

const ENUM_VALUES: Record<string, string[]> = {
  operation: ['chat', 'completion', 'embedding', 'tool', 'run', 'other'],
  status: ['ok', 'error'],
};

/**
 * Why a step cannot be sent, or null: `<field>:<value>` with both parts, the field a dimension
 * (`dimensions`, when known, e.g. from GET /api/v1/fields) or a tag, enum values spelled right.
 */
export function stepProblem(step: string, dimensions?: ReadonlySet<string>): string | null {
  const colon = step.indexOf(':');
  if (colon <= 0) return 'Write a step as field:value, e.g. tags.step:search or operation:chat';
  if (colon === step.length - 1) return 'The value after ":" is missing';
  if (step.includes(',')) return 'A step cannot contain a comma';
  const field = step.slice(0, colon);
  const value = step.slice(colon + 1);
  if (dimensions && !field.startsWith('tags.') && !dimensions.has(field)) return `"${field}" is not a field to filter on`;
  const allowed = ENUM_VALUES[field];
  if (allowed && !allowed.includes(value)) return `${field} is one of ${allowed.join(', ')}`;
  return null;
}

/** Query parameters of GET /api/analytics/users. */
export function usersApiParams(filters: Filters, view: UsersView): URLSearchParams {
  const params = dashboardParams(filters);
  params.set('sort', view.sort);
  params.set('top', '25');
  if (view.steps.length >= 2 && view.steps.every((step) => stepProblem(step) === null)) {
    params.set('steps', view.steps.join(','));
    params.set('window', view.window);
  }
  return params;
}
