import { describe, expect, it } from 'vitest';
import { userCardViews } from './cards';
import { teamRows, userRows } from './leaderboard';
import { sampleActivity } from './sampleUsers.test-data';

describe('leaderboards', () => {
  it('formats the four figures with their change', () => {
    const [ann, bob, dee] = userRows(sampleActivity.top_users.rows);
    expect(ann!.cells.map((c) => c.value)).toEqual(['4', '600', '$6.00', '0']);
    expect(ann!.cells.map((c) => c.change)).toEqual(['▲ 300.0%', '▲ 200.0%', '▲ 200.0%', '']);
    expect(ann!.cells[2]!.tone).toBe('bad'); // more cost
    expect(bob!.cells.map((c) => c.change)).toEqual(['new', 'new', 'new', 'new']);
    expect(dee!.cells[2]!.value).toBe('unpriced');
    expect(dee!.cells[3]!.tone).toBe('good'); // fewer errors
  });
  it('lists teams, "(no team)" not clickable', () => {
    const rows = teamRows(sampleActivity.teams);
    expect(rows.map((r) => [r.label, r.name, r.detail])).toEqual([
      ['a', 'a', '2 users'],
      ['(no team)', null, '1 users'],
    ]);
  });
});

describe('cards', () => {
  it('shows users, daily activity, calls per user and cost', () => {
    const cards = userCardViews(sampleActivity);
    expect(cards.map((c) => c.figures[0]!.value)).toEqual(['4', '1', '1.5', '$7.50']);
    expect(cards[0]!.figures[0]!.change.text).toBe('▲ 100.0%');
    expect(cards[1]!.details).toEqual([
      { label: 'Stickiness', value: '31.0%' },
      { label: 'WAU today', value: '4' },
    ]);
    expect(cards[2]!.details[1]!.value).toBe('9 ▲ 350.0%');
  });
});
