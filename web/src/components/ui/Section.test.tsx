// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { readSectionOpen, Section } from './Section';

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});

describe('Section', () => {
  it('is open by default and closes and opens from its heading', () => {
    render(
      <Section id="charts" title="Charts">
        <p>inside</p>
      </Section>,
    );
    const heading = screen.getByRole('button', { name: 'Charts' });
    expect(heading.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(heading);
    expect(heading.getAttribute('aria-expanded')).toBe('false');
    expect(screen.getByText('inside').parentElement?.className).toContain('hidden');
    fireEvent.click(heading);
    expect(heading.getAttribute('aria-expanded')).toBe('true');
  });

  it('remembers a closed section for the next visit, per id', () => {
    const { unmount } = render(
      <Section id="cards" title="Key figures">
        <p>figures</p>
      </Section>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Key figures' }));
    unmount();
    expect(readSectionOpen('cards')).toBe(false);
    expect(readSectionOpen('charts')).toBe(true);
    render(
      <Section id="cards" title="Key figures">
        <p>figures</p>
      </Section>,
    );
    expect(screen.getByRole('button', { name: 'Key figures' }).getAttribute('aria-expanded')).toBe('false');
  });
});
