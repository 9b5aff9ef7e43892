import { expect, test, type Page } from '@playwright/test';

const shots = 'e2e-artifacts/screenshots';

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await expect(page.getByText('Platform Portal').first()).toBeVisible();
  await page.getByRole('button', { name: 'Enter' }).click();
}

test('a developer signs in, finds the demo software and opens an entity', async ({
  page,
}) => {
  await signInAsGuest(page);

  // Platform home is the landing page.
  await expect(
    page.getByRole('heading', { name: 'Platform home' }),
  ).toBeVisible();
  await page.screenshot({ path: `${shots}/01-home.png`, fullPage: true });

  // The catalog lists the demo components once the catalog has processed them.
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Catalog', exact: true }).click();
  await expect(async () => {
    await page.reload();
    await expect(
      page.getByRole('link', { name: 'Payments API service' }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await expect(
    page.getByRole('link', { name: 'Ledger service' }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Platform Portal' }),
  ).toBeVisible();
  await page.screenshot({ path: `${shots}/02-catalog.png`, fullPage: true });

  // An entity page with its about card and relations.
  await page.getByRole('link', { name: 'Payments API service' }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/payments-api/);
  await expect(
    page.getByText('Authorises and captures card payments for the storefront'),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Payments Team' }).first(),
  ).toBeVisible();
  await page.screenshot({ path: `${shots}/03-entity.png`, fullPage: true });

  // The home page counts what the catalog holds.
  await page.goto('/');
  await expect(page.getByTestId('glance-Component')).not.toHaveText('0');
});

test('search finds entities by name, description and tag', async ({ page }) => {
  await signInAsGuest(page);
  const cases = [
    { query: 'Ledger', expected: 'component/ledger-service' }, // title
    { query: 'payments-api', expected: 'component/payments-api' }, // name behind a title
    { query: 'double-entry', expected: 'component/ledger-service' }, // description
    { query: 'pci', expected: 'component/payments-api' }, // tag
  ];
  for (const { query, expected } of cases) {
    await expect(async () => {
      await page.goto(`/search?query=${encodeURIComponent(query)}`);
      await expect(
        page.locator(`a[href="/catalog/default/${expected}"]`).first(),
      ).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 90_000 });
  }
  await page.screenshot({ path: `${shots}/04-search.png`, fullPage: true });
});

test('the API refuses calls without credentials', async ({ request }) => {
  const res = await request.get('/api/catalog/entities/by-query');
  expect(res.status()).toBe(401);
  const health = await request.get('/.backstage/health/v1/readiness');
  expect(health.status()).toBe(200);
});
