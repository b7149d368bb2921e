// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  it('exports the rows behind the chart as CSV', async () => {
    const blobs: Blob[] = [];
    const createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:csv';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    render(
      <ChartCard
        id="calls"
        title="Calls"
        model={{ kind: 'empty', reason: 'none', hint: 'none' }}
        csv={{ header: ['model', 'calls'], rows: [['gpt-4o', 3]] }}
        exportBackground="#fff"
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Export Calls data as CSV' }));
    expect(click).toHaveBeenCalledTimes(1);
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(blobs[0]!);
    });
    expect(text).toBe('model,calls\r\ngpt-4o,3\r\n');
    click.mockRestore();
  });

  it('cannot export a CSV while there is nothing to export', () => {
    render(<ChartCard id="x" title="X" model={undefined} exportBackground="#fff" />);
    expect(screen.getByRole('button', { name: 'Export X data as CSV' }).hasAttribute('disabled')).toBe(true);
  });
});
