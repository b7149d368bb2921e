// Prepare layer of the User Activity cards: users, daily activity, calls per user and cost, each
// with its change against the previous period, already formatted.
import type { CardFigure, UserActivity } from '../../../api/types';
import { changeTone, formatChange, formatCompact, formatRatio, formatUsd, type Polarity, type Tone } from '../../../lib/format';

export interface UserCardView {
  id: 'users' | 'daily' | 'per-user' | 'cost';
  title: string;
  figures: { id: string; label?: string; value: string; change: { text: string; tone: Tone; title: string } }[];
  details: { label: string; value: string }[];
  trend?: { label: string; values: (number | null)[] };
}

function change(figure: CardFigure | null, polarity: Polarity) {
  if (!figure) return { text: '', tone: 'neutral' as Tone, title: '' };
  return {
    text: formatChange(figure.change_pct),
    tone: changeTone(figure.change_pct, polarity),
    title: `Previous period: ${figure.previous === null ? '—' : formatCompact(figure.previous)}`,
  };
}

export function userCardViews(activity: UserActivity): UserCardView[] {
  const { totals, per_user: perUser, active } = activity;
  const last = active[active.length - 1];
  const none = { text: '', tone: 'neutral' as Tone, title: '' };
  const callsChange = formatChange(totals.calls.change_pct);
  return [
    {
      id: 'users',
      title: 'Active users',
      figures: [{ id: 'users', value: formatCompact(totals.users.value), change: change(totals.users, 'up-good') }],
      details: [
        { label: 'New', value: formatCompact(totals.new_users) },
        { label: 'MAU today', value: formatCompact(last?.mau ?? null) },
      ],
      trend: { label: 'Daily active users', values: active.map((d) => d.dau) },
    },
    {
      id: 'daily',
      title: 'Daily activity',
      figures: [
        {
          id: 'avg-dau',
          label: 'avg DAU',
          value: formatCompact(totals.avg_dau === null ? null : Math.round(totals.avg_dau * 10) / 10),
          change: none,
        },
      ],
      details: [
        { label: 'Stickiness', value: formatRatio(totals.stickiness) },
        { label: 'WAU today', value: formatCompact(last?.wau ?? null) },
      ],
    },
    {
      id: 'per-user',
      title: 'Calls per user',
      figures: [{ id: 'calls-per-user', label: 'median', value: formatCompact(perUser.users > 0 ? perUser.calls.p50 : null), change: none }],
      details: [
        {
          label: 'Mean / p90',
          value: perUser.users > 0 ? `${formatCompact(Math.round(perUser.calls.mean))} / ${formatCompact(Math.round(perUser.calls.p90))}` : '—',
        },
        { label: 'All calls', value: `${formatCompact(totals.calls.value)}${callsChange === '—' ? '' : ` ${callsChange}`}` },
      ],
    },
    {
      id: 'cost',
      title: 'Cost',
      figures: [{ id: 'cost', value: formatUsd(totals.cost_usd.value), change: change(totals.cost_usd, 'up-bad') }],
      details: [
        { label: 'Median user', value: perUser.users > 0 ? formatUsd(perUser.cost_usd.p50) : '—' },
        { label: 'Errors', value: formatCompact(totals.errors.value) },
      ],
    },
  ];
}
