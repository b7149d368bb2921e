// The app's pages and links: an unknown path says so and links home; links keep the filters.
import { expect, test } from '@playwright/test';
import { ENV_DEMO_URL } from './server';
import { serverUrl, watchErrors } from './support';

test('an unknown path shows a not-found page that links to the Executive Dashboard', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${serverUrl(ENV_DEMO_URL)}/no-such-page?range=7d`);
  await expect(page.getByText('There is no page here')).toBeVisible();
  await page.getByRole('link', { name: 'Open the Executive Dashboard' }).click();
  await expect(page).toHaveURL(/\/\?range=7d$|\/$/);
  await expect(page.getByRole('heading', { name: 'Executive Dashboard' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('the navigation link of the current page keeps the filters in the URL', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${serverUrl(ENV_DEMO_URL)}/?range=7d`);
  const link = page.getByTestId('nav-executive');
  await expect(link).toHaveAttribute('aria-current', 'page');
  await expect(link).toHaveAttribute('href', '/?range=7d');
  expect(errors).toEqual([]);
});
