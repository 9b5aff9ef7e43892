import { expect, test, type Page } from '@playwright/test';

const shots = 'e2e-artifacts/screenshots';

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await expect(page.getByText('Platform Portal').first()).toBeVisible();
  await page.getByRole('button', { name: 'Enter' }).click();
  // Signed in once the landing page shows; navigating before that would
  // land on the sign-in page again.
  await expect(
    page.getByRole('heading', { name: 'Platform home' }),
  ).toBeVisible();
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

test('discovered repositories: ingestion health, repository docs and the dependency inventory', async ({
  page,
}) => {
  await signInAsGuest(page);

  // The Catalog ingestion page lists the source and what it found.
  await page.goto('/catalog-ingestion');
  await expect(
    page.getByRole('heading', { name: 'Catalog ingestion' }).first(),
  ).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('local-repos').first()).toBeVisible({
      timeout: 5_000,
    });
    await expect(page.getByText('succeeded').first()).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000 });
  await page.screenshot({
    path: `${shots}/05-catalog-ingestion.png`,
    fullPage: true,
  });

  // The README of the discovered repository, rendered on the Docs tab; a
  // relative link opens another file of the repository.
  await expect(async () => {
    await page.goto('/catalog/default/component/inventory-service/docs');
    await expect(
      page.getByRole('heading', { name: 'Inventory service' }).last(),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await page.getByRole('link', { name: 'the runbook' }).click();
  await expect(
    page.getByRole('heading', { name: 'Runbook' }).last(),
  ).toBeVisible();
  await page.screenshot({ path: `${shots}/06-docs-tab.png`, fullPage: true });

  // Which components use a vulnerable lodash: the SBOM committed in the
  // repository answers, with the owner.
  await page.goto('/dependencies?package=pkg:npm/lodash&range=%3C4.17.21');
  await expect(page.getByTestId('affected')).toHaveText(
    '1 component uses pkg:npm/lodash <4.17.21',
  );
  await expect(
    page
      .getByRole('link', { name: /Inventory service|inventory-service/ })
      .first(),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: /Storefront Team|storefront-team/ }).first(),
  ).toBeVisible();
  await page.screenshot({
    path: `${shots}/07-dependencies.png`,
    fullPage: true,
  });
});

test('a developer creates a service on a golden path and finds it in the catalog', async ({
  page,
}) => {
  await signInAsGuest(page);

  // The template is registered from templates/ once the catalog processed it.
  await expect(async () => {
    await page.goto('/create');
    await expect(page.getByText('TypeScript HTTP service').first()).toBeVisible(
      { timeout: 5_000 },
    );
  }).toPass({ timeout: 90_000 });
  await page.screenshot({
    path: `${shots}/08-golden-paths.png`,
    fullPage: true,
  });
  await page.goto('/create/templates/default/typescript-service');

  // Page 1: about the service. The owner comes from the catalog.
  await page.getByRole('textbox', { name: /^Name/ }).fill('e2e-orders');
  await page
    .getByRole('textbox', { name: /^Description/ })
    .fill('Created by the browser test');
  const owner = page.getByRole('textbox', { name: /^Owner/ });
  await owner.click();
  await owner.fill('payments');
  await page
    .getByRole('option', { name: /payments/i })
    .first()
    .click();
  await page.getByRole('button', { name: 'Next' }).click();

  // Page 2: runtime, with the standard preselected.
  await expect(page.getByText('Node.js version').first()).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();

  // Page 3: the organisation policy, checked before anything is created.
  await expect(
    page.getByText('The request meets the organisation policy.'),
  ).toBeVisible();
  await page.screenshot({
    path: `${shots}/09-policy-check.png`,
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task ends with the component already in the catalog.
  const open = page.getByRole('link', { name: 'Open in catalog' });
  await expect(open).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('Created on the golden path')).toBeVisible();
  await page.screenshot({ path: `${shots}/10-task.png`, fullPage: true });
  await open.click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/e2e-orders/);
  await expect(
    page.getByText('Created by the browser test').first(),
  ).toBeVisible();
  await page.screenshot({ path: `${shots}/11-created.png`, fullPage: true });

  // The run is recorded for the developer (and the DX metrics), and the
  // template's versions count the new component.
  await expect(async () => {
    await page.goto('/golden-paths?tab=runs');
    await expect(
      page.getByRole('row', { name: /typescript-service.*Completed/ }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
  await page.screenshot({ path: `${shots}/12-my-runs.png`, fullPage: true });
  await page.getByRole('tab', { name: 'Template versions' }).click();
  await expect(page.getByText('TypeScript HTTP service').first()).toBeVisible();
  await page.screenshot({
    path: `${shots}/13-template-versions.png`,
    fullPage: true,
  });
});

test("SLOs: the platform's own health and a service's SLO tab", async ({
  page,
}) => {
  await signInAsGuest(page);

  // The platform measures itself: its SLOs and its probes of its own API.
  await page.goto('/slo');
  await expect(page.getByText('Portal availability').first()).toBeVisible({
    timeout: 30_000,
  });
  await expect(
    page.getByText('Provisioning success rate').first(),
  ).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(
      page.getByRole('cell', { name: 'catalog', exact: true }),
    ).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000 });
  await page.screenshot({
    path: `${shots}/09-slo-platform.png`,
    fullPage: true,
  });

  // The SLO committed next to the checkout service's catalog-info.yaml
  // reads pushed counts: the browser pushes a day of them, as the signed-in
  // user, with a bad last hour (3 % errors against 0.1 % allowed).
  const id = 'component:default/checkout-service/checkout-availability';
  await expect(async () => {
    const pushed = await page.evaluate(async sloId => {
      const auth = await fetch('/api/auth/guest/refresh?env=development', {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      });
      const { backstageIdentity } = await auth.json();
      const now = Math.floor(Date.now() / 60_000);
      const events = Array.from({ length: 1440 }, (_, i) => {
        const minute = now - 1440 + i;
        return {
          timestamp: new Date(minute * 60_000).toISOString(),
          good: i >= 1380 ? 97 : 100,
          total: 100,
        };
      });
      const res = await fetch(
        `/api/slo/slos/${encodeURIComponent(sloId)}/events`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${backstageIdentity.token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ batchId: 'e2e-day', events }),
        },
      );
      return res.status;
    }, id);
    expect([202, 200]).toContain(pushed);
  }).toPass({ timeout: 60_000 });
  await expect(async () => {
    await page.goto('/catalog/default/component/checkout-service/slo');
    await expect(page.getByText('Checkout availability').first()).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000 });
  await page.getByText('Checkout availability').first().click();
  await expect(page.getByText(/99\.9\s?%/).first()).toBeVisible();
  // Evaluated within seconds: the fast-burn alert fires.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('Firing', { exact: true }).first()).toBeVisible(
      {
        timeout: 5_000,
      },
    );
  }).toPass({ timeout: 60_000 });
  await page.screenshot({ path: `${shots}/10-slo-entity.png`, fullPage: true });

  // All SLOs, filterable, includes both.
  await page.goto('/slo?tab=slos');
  await expect(page.getByText('Checkout availability').first()).toBeVisible();
  await expect(page.getByText('Portal availability').first()).toBeVisible();
});
