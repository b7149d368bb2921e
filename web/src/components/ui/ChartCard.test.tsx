// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ChartCard } from './ChartCard';

afterEach(cleanup);

describe('ChartCard', () => {
  it('says why there is no chart and what to do, never a blank box', () => {
    render(
      <ChartCard
        id="cost-trend"
        title="Cost trend"
        model={{ kind: 'empty', reason: 'No priced events in this time range.', hint: 'Send cost_usd with each event.' }}
        exportBackground="#fff"
      />,
    );
    expect(screen.getByText('No priced events in this time range.')).toBeTruthy();
    expect(screen.getByText('Send cost_usd with each event.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Export Cost trend as PNG' }).hasAttribute('disabled')).toBe(true);
  });

  it('shows a skeleton while loading', () => {
    const { container } = render(<ChartCard id="x" title="X" model={undefined} exportBackground="#fff" />);
    expect(container.querySelector('.animate-pulse')).not.toBeNull();
  });
});
