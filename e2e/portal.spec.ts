import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const database = process.env.PORTAL_E2E_DATABASE ?? 'postgres';
const shots = `e2e-artifacts/screenshots${
  database === 'sqlite' ? '-sqlite' : ''
}`;
// Where e2e/serve-bundle.mjs keeps the repositories golden paths publish to.
const reposDir = join(__dirname, '../.cache/e2e-bundle/repos');

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
  // The guest is the demo user of platform-team, so the catalog opens on
  // what that team owns.
  await expect(async () => {
    await page.reload();
    await expect(
      page.getByRole('link', { name: 'Platform Portal' }),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await expect(page.getByText(/^Owned Components/)).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Payments API service' }),
  ).toHaveCount(0);
  // The page's own list requests, replayed if the component never shows.
  const pageLists: string[] = [];
  page.on('request', r => {
    if (r.url().includes('/api/catalog/entities/by-query')) {
      pageLists.push(new URL(r.url()).pathname + new URL(r.url()).search);
    }
  });
  await page.getByText('All', { exact: true }).click();
  // The catalog page writes its filters into the URL after it re-renders;
  // reloading before that would reopen it on "Owned" every time.
  await expect(page).toHaveURL(/filters(%5B|\[)user(%5D|\])=all/);
  await expect(async () => {
    await page.reload();
    await expect(
      page.getByRole('link', { name: 'Payments API service' }),
    ).toBeVisible({ timeout: 5_000 });
  })
    .toPass({ timeout: 90_000 })
    .catch(async error => {
      throw new Error(
        `${error}\n${await catalogDiagnosis(page, pageLists.slice(-3))}`,
      );
    });
  await expect(
    page.getByRole('link', { name: 'Ledger service' }),
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

// Tagged @default-database: also run on SQLite, the database of `./portal start`.
test(
  'a developer creates a service on a golden path, finds it in the catalog and edits it',
  {
    tag: '@default-database',
  },
  async ({ page }) => {
    await signInAsGuest(page);

    // The template is registered from templates/ once the catalog processed it.
    await expect(async () => {
      await page.goto('/create');
      await expect(
        page.getByText('TypeScript HTTP service').first(),
      ).toBeVisible({ timeout: 5_000 });
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

    // Its owner edits catalog-info.yaml in the new repository, pushes, and
    // rescans from the Catalog ingestion page: the entity page shows the edit.
    const checkout = mkdtempSync(join(tmpdir(), 'e2e-orders-'));
    try {
      const git = (...args: string[]) =>
        execFileSync('git', args, { cwd: checkout, stdio: 'pipe' });
      git('clone', '-q', join(reposDir, 'e2e-orders.git'), '.');
      const file = join(checkout, 'catalog-info.yaml');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('Created by the browser test');
      writeFileSync(
        file,
        text.replace('Created by the browser test', 'Edited after creation'),
      );
      git(
        '-c',
        'user.name=E2E',
        '-c',
        'user.email=e2e@example.com',
        'commit',
        '-qam',
        'Describe the service',
      );
      git('push', '-q', 'origin', 'HEAD');
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
    await page.goto('/catalog-ingestion');
    const token = await guestToken(page);
    const rescan = page.getByRole('button', { name: 'Rescan local-repos now' });
    const rescanned = Date.now();
    await rescan.click();
    // From the click until the catalog API serves the edit (asked every
    // 100 ms, as the entity page would show it on its next load).
    await expect
      .poll(
        async () => {
          const res = await page.request.get(
            '/api/catalog/entities/by-name/component/default/e2e-orders',
            { headers: { authorization: `Bearer ${token}` } },
          );
          return res.ok() ? (await res.json()).metadata.description : null;
        },
        { intervals: [100], timeout: 30_000 },
      )
      .toBe('Edited after creation');
    const visibleMs = Date.now() - rescanned;
    await expect(page.getByText('Rescanned local-repos')).toBeVisible();
    await page.goto('/catalog/default/component/e2e-orders');
    await expect(page.getByText('Edited after creation').first()).toBeVisible();
    test.info().annotations.push({
      type: 'edit visible after rescan (click to catalog API)',
      description: `${visibleMs} ms`,
    });
    await page.screenshot({ path: `${shots}/11b-edited.png`, fullPage: true });

    // The run is recorded for the developer (and the DX metrics), and the
    // template's versions count the new component.
    await expect(async () => {
      await page.goto('/golden-paths?tab=runs');
      await expect(
        // The template by its title once the catalog answered, by its
        // name before.
        page
          .getByRole('row', {
            name: /(typescript-service|TypeScript HTTP service).*Completed/,
          })
          .first(),
      ).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 30_000 });
    await page.screenshot({ path: `${shots}/12-my-runs.png`, fullPage: true });
    await page.getByRole('tab', { name: 'Template versions' }).click();
    await expect(
      page.getByText('TypeScript HTTP service').first(),
    ).toBeVisible();
    await page.screenshot({
      path: `${shots}/13-template-versions.png`,
      fullPage: true,
    });
  },
);

test('a service made from an older template version gets its upgrade proposed from the Golden paths page', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAsGuest(page);
  const auth = { authorization: `Bearer ${await guestToken(page)}` };
  const name = `e2e-upgrade-${Date.now().toString(36)}`;
  const branch = 'portal/upgrade-upgrade-service-1.1.0';

  // A service made from version 1.0.0 of the upgrade-service golden path.
  let taskId = '';
  await expect(async () => {
    const res = await page.request.post('/api/scaffolder/v2/tasks', {
      headers: auth,
      data: {
        templateRef: 'template:default/upgrade-service',
        values: { name, owner: 'group:default/platform-team', replicas: 3 },
      },
    });
    expect(res.status()).toBe(201);
    taskId = (await res.json()).id;
  }).toPass({ timeout: 90_000 });
  await expect(async () => {
    const res = await page.request.get(`/api/scaffolder/v2/tasks/${taskId}`, {
      headers: auth,
    });
    expect((await res.json()).status).toBe('completed');
  }).toPass({ timeout: 90_000 });

  // The team commits a change of its own.
  const bare = join(reposDir, `${name}.git`);
  const checkout = mkdtempSync(join(tmpdir(), 'e2e-upgrade-'));
  let head = '';
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: checkout, encoding: 'utf8' }).trim();
    git('clone', '-q', bare, '.');
    writeFileSync(
      join(checkout, 'README.md'),
      `${readFileSync(join(checkout, 'README.md'), 'utf8')}\n## Our notes\n`,
    );
    git(
      '-c',
      'user.name=E2E',
      '-c',
      'user.email=e2e@example.com',
      'commit',
      '-qam',
      'Our own notes',
    );
    git('push', '-q', 'origin', 'HEAD');
    head = git('rev-parse', 'HEAD');
  } finally {
    rmSync(checkout, { recursive: true, force: true });
  }

  // The template author releases 1.1.0 (with upgrade notes).
  const templateDir = join(__dirname, '../.cache/e2e-bundle/upgrade-template');
  cpSync(
    join(
      __dirname,
      '../plugins/scaffolder-backend-module-golden-paths/src/__fixtures__/upgrade-path/v2',
    ),
    templateDir,
    { recursive: true },
  );
  rmSync(join(templateDir, 'skeleton/Makefile.old'), { force: true });
  await expect(async () => {
    await page.request.post('/api/catalog/refresh', {
      headers: auth,
      data: { entityRef: 'template:default/upgrade-service' },
    });
    const res = await page.request.get(
      '/api/catalog/entities/by-name/template/default/upgrade-service',
      { headers: auth },
    );
    expect(
      (await res.json()).metadata.annotations['portal.dev/template-version'],
    ).toBe('1.1.0');
  }).toPass({ timeout: 60_000 });

  // Golden paths, Template versions: the service is behind; propose it.
  const propose = page.getByRole('button', {
    name: `Propose upgrade of ${name}`,
  });
  await expect(async () => {
    await page.goto('/golden-paths?tab=templates');
    await expect(propose).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await propose.click();
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row.getByText('open', { exact: true })).toBeVisible({
    timeout: 60_000,
  });
  await expect(row.getByText(branch)).toBeVisible();
  await page.screenshot({
    path: `${shots}/13-upgrade-proposed.png`,
    fullPage: true,
  });

  // The branch carries the template's change on top of the team's commit;
  // the default branch is where the team left it.
  const git = (...args: string[]) =>
    execFileSync('git', [`--git-dir=${bare}`, ...args], {
      encoding: 'utf8',
    }).trim();
  expect(git('rev-parse', 'main')).toBe(head);
  expect(git('rev-parse', `${branch}~1`)).toBe(head);
  expect(git('show', `${branch}:service.yaml`)).toContain('logLevel: warn');
  expect(git('show', `${branch}:service.yaml`)).toContain('replicas: 3');
  expect(git('show', `${branch}:README.md`)).toContain('## Our notes');

  // The component page says so too.
  await page.goto(`/catalog/default/component/${name}`);
  await expect(
    page.getByText('Your service is one version behind (1.0.0 → 1.1.0).'),
  ).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/Here is the change/)).toContainText(branch);
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

/** The part of `GET /api/dx/metrics/dora` the DX test reads. */
interface DoraSeen {
  deploymentFrequency: { deployments: number; perWeek: number };
  leadTime: { changes: number };
  changeFailureRate: { deployments: number; failed: number };
  recoveryTime: { incidents: number };
}

/**
 * What the catalog holds for the demo component, asked two ways (by name,
 * and the page's list queries), so a failure says whether the entity or
 * the page is missing it.
 */
async function catalogDiagnosis(
  page: Page,
  pageRequests: string[],
): Promise<string> {
  const headers = { authorization: `Bearer ${await guestToken(page)}` };
  const list =
    '/api/catalog/entities/by-query?filter=kind%3Dcomponent&limit=100&fields=metadata.name';
  const byName = await page.request.get(
    '/api/catalog/entities/by-name/component/default/payments-api',
    { headers },
  );
  const describe = async (url: string) => {
    const res = await page.request.get(url, { headers });
    const body = await res.json().catch(() => ({}));
    const names = (body.items ?? []).map(
      (e: { metadata?: { name?: string } }) => e.metadata?.name,
    );
    return `${res.status()} ${names.join(',')}`;
  };
  return [
    `page URL: ${page.url()}`,
    `by name: ${byName.status()}`,
    `list: ${await describe(list)}`,
    ...(await Promise.all(
      pageRequests.map(async url => `page's ${url}: ${await describe(url)}`),
    )),
  ].join('\n');
}

/** The signed-in guest's Backstage token, for API calls from the test. */
async function guestToken(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const res = await fetch('/api/auth/guest/refresh?env=development', {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    const { backstageIdentity } = await res.json();
    return backstageIdentity.token as string;
  });
}

test('DX metrics: DORA from events, CSV, scorecards, a component’s checks and a survey answered safely', async ({
  page,
}) => {
  // The demo history (dx.demo.enabled in app-config.yaml, which the e2e
  // overlay keeps) is written about 20 s after start, then rolled up.
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  const dialogs: string[] = [];
  page.on('dialog', dialog => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  await signInAsGuest(page);
  const auth = { authorization: `Bearer ${await guestToken(page)}` };
  // Scorecards are evaluated 30 s after start; once more, now the catalog
  // has the demo software.
  let refreshedAt = Date.now();
  const refresh = await page.request.post('/api/dx/scorecards/refresh', {
    headers: auth,
  });
  expect(refresh.status()).toBe(202);

  // The DX metrics page from the sidebar: Delivery (DORA) of the
  // organisation, from the demo events.
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'DX metrics' }).click();
  await expect(page).toHaveURL(/\/dx(\?|$)/);
  await expect(
    page.getByRole('tab', { name: 'Delivery (DORA)' }),
  ).toHaveAttribute('aria-selected', 'true');
  const isDora = (r: { url(): string }) =>
    r.url().includes('/api/dx/metrics/dora?');
  let seen: DoraSeen | undefined;
  await expect(async () => {
    const response = page.waitForResponse(isDora, { timeout: 15_000 });
    await page.reload();
    seen = await (await response).json();
    expect(seen!.deploymentFrequency.deployments).toBeGreaterThan(0);
    expect(seen!.leadTime.changes).toBeGreaterThan(0);
    expect(seen!.recoveryTime.incidents).toBeGreaterThan(0);
  }).toPass({ timeout: 180_000, intervals: [5_000] });
  const dora = seen!;
  const n = (x: number) => x.toLocaleString('en-US');
  const tile = (name: string) => page.getByRole('group', { name });
  const df = dora.deploymentFrequency;
  await expect(page.getByTestId('dora-deployment-frequency')).toHaveText(
    `${df.perWeek.toLocaleString('en-US', {
      maximumFractionDigits: 1,
    })} / week`,
  );
  await expect(tile('Deployment frequency')).toContainText(
    `from ${n(df.deployments)} deployments`,
  );
  await expect(page.getByTestId('dora-lead-time')).toHaveText(
    /^[\d.,]+ (s|min|h|d) median · p90 [\d.,]+ (s|min|h|d)$/,
  );
  await expect(tile('Lead time for changes')).toContainText(
    `from ${n(dora.leadTime.changes)} changes`,
  );
  await expect(page.getByTestId('dora-change-failure-rate')).toHaveText(
    /^[\d.,]+%$/,
  );
  await expect(tile('Change failure rate')).toContainText(
    `from ${n(dora.changeFailureRate.deployments)} deployments, ${n(
      dora.changeFailureRate.failed,
    )} failed`,
  );
  await expect(page.getByTestId('dora-recovery-time')).toHaveText(
    /^[\d.,]+ (s|min|h|d) median$/,
  );
  await expect(tile('Failed deployment recovery time')).toContainText(
    `from ${n(dora.recoveryTime.incidents)} resolved incident`,
  );
  await expect(page.getByText('Deployments per day')).toBeVisible();
  await expect(page.getByLabel('Scope')).toHaveValue('');
  await page.screenshot({ path: `${shots}/14-dx-metrics.png`, fullPage: true });
  if (process.env.PORTAL_DOCS_SCREENSHOTS) {
    // The README's image: `PORTAL_DOCS_SCREENSHOTS=1 yarn test:e2e -g DX`.
    await page.mouse.move(0, 0);
    await page.screenshot({ path: 'docs/images/dx-metrics.png' });
  }

  // The CSV: the same numbers, fetched with the user's token.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  // Named by what, whose and when.
  expect(download.suggestedFilename()).toMatch(
    /^dora_organisation_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/,
  );
  await download.saveAs(`${shots}/dora.csv`);
  const rows = readFileSync(`${shots}/dora.csv`, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map(line => line.split(','));
  expect(rows[0].slice(0, 4)).toEqual(['metric', 'value', 'unit', 'sample']);
  const csv = (metric: string) => rows.find(r => r[0] === metric)!;
  expect(Number(csv('deployment_frequency')[3])).toBe(df.deployments);
  expect(Number(csv('deployment_frequency')[1])).toBeCloseTo(df.perWeek, 3);
  expect(Number(csv('lead_time_median')[3])).toBe(dora.leadTime.changes);
  expect(Number(csv('recovery_time_median')[3])).toBe(
    dora.recoveryTime.incidents,
  );
  await expect(page.getByRole('alert')).toHaveCount(0);

  // A component's DX tab counts the deployments sent for it: three more
  // through POST /api/dx/events.
  const component = 'component:default/payments-api';
  await page.goto('/catalog/default/component/payments-api/dx');
  const deployments = tile('Deployment frequency');
  await expect(deployments).toContainText(/from [\d,]+ deployments?/);
  const before = Number(
    /from ([\d,]+) deployment/
      .exec((await deployments.textContent()) ?? '')![1]
      .replace(/,/g, ''),
  );
  const run = Date.now().toString(36);
  const sent = await page.request.post('/api/dx/events', {
    headers: auth,
    data: {
      format: 'generic',
      events: [1, 2, 3].map(i => ({
        id: `e2e-${run}-${i}`,
        type: 'deployment',
        action: 'deployed',
        timestamp: new Date(Date.now() - i * 3_600_000).toISOString(),
        entityRef: component,
        environment: 'production',
        outcome: 'success',
        title: `e2e release ${run}.${i}`,
      })),
    },
  });
  expect(sent.status()).toBe(202);
  expect(await sent.json()).toMatchObject({ accepted: 3 });
  await expect(async () => {
    await page.reload();
    await expect(deployments).toContainText(
      `from ${n(before + 3)} deployments`,
      { timeout: 5_000 },
    );
  }).toPass({ timeout: 120_000, intervals: [5_000] });
  await expect(
    page
      .getByRole('table', { name: 'Recent deployments' })
      .getByText(`e2e release ${run}.1`),
  ).toBeVisible();

  // Its scorecard: every check, and the fix of a failing one.
  const checks = page.getByRole('table', {
    name: 'Checks of Production readiness',
  });
  await expect(async () => {
    if (Date.now() - refreshedAt > 60_000) {
      refreshedAt = Date.now();
      await page.request.post('/api/dx/scorecards/refresh', { headers: auth });
    }
    await page.reload();
    await expect(checks).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000, intervals: [5_000] });
  await expect(checks.getByRole('row')).toHaveCount(9); // header and 8 checks
  await expect(
    checks.getByRole('row', {
      name: /No known high or critical vulnerability/,
    }),
  ).toBeVisible();
  const slo = checks.getByRole('row', { name: /Has an SLO/ });
  await expect(slo).toContainText('Fail');
  await expect(slo).toContainText(
    'Add slo.yaml (OpenSLO v1) next to catalog-info.yaml, or create one on the SLOs tab.',
  );
  await expect(
    checks.getByRole('row', { name: /Has an owner that exists/ }),
  ).toContainText('Pass');
  await page.screenshot({ path: `${shots}/15-dx-entity.png`, fullPage: true });

  // The Scorecards tab rolls them up for the organisation and per team.
  await page.goto('/dx?tab=scorecards');
  await expect(
    page.getByText('Production readiness', { exact: true }).first(),
  ).toBeVisible();
  await expect(page.getByTestId('scorecard-score')).toHaveText(/^[\d.]+%$/);
  await expect(
    page.getByText(/^\d+ entities · levels bronze, silver, gold$/),
  ).toBeVisible();
  await expect(page.getByText('Most failed checks')).toBeVisible();
  await expect(
    page
      .getByRole('table', { name: 'Scorecards per team' })
      .getByRole('row', { name: /Payments Team|payments-team/ }),
  ).toBeVisible();
  await page.screenshot({
    path: `${shots}/16-dx-scorecards.png`,
    fullPage: true,
  });

  // Surveys: the demo answers are shown (five or more per group), the
  // golden-path one by provisioning time.
  const xss = '<img src=x onerror=alert(1)>';
  await page.goto('/dx?tab=surveys');
  await expect(async () => {
    await page.reload();
    // Results come for whole periods: last month, for both surveys.
    for (const menu of await page
      .getByRole('combobox', { name: /^Period/ })
      .all())
      await menu.selectOption({ index: 1 });
    // Both results shown, neither hidden.
    await expect(page.getByText(/^\d+ respondents$/)).toHaveCount(2, {
      timeout: 5_000,
    });
  }).toPass({ timeout: 90_000, intervals: [5_000] });
  const byTime = page.getByRole('table', { name: 'By provisioning time' });
  await expect(
    byTime.getByRole('row', { name: /^< 1 min.* \d+ [\d.]+$/ }),
  ).toBeVisible();
  await expect(
    page.getByRole('figure', { name: 'Developer experience: weekly trend' }),
  ).toBeVisible();

  // Answered in the browser, with markup in the free text.
  const noMarkup = async () => {
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    await expect(page.locator('img[onerror]')).toHaveCount(0);
  };
  const form = page.getByRole('form', { name: 'Developer experience' });
  await form
    .getByRole('radiogroup', {
      name: 'How easy was it to ship a change this month?',
    })
    .getByRole('radio', { name: '4' })
    .check();
  await form
    .getByRole('radiogroup', {
      name: 'How well did the platform tooling support your work?',
    })
    .getByRole('radio', { name: '5' })
    .check();
  await form
    .getByRole('textbox', { name: 'What slowed you down most?' })
    .fill(xss);
  await form.getByRole('button', { name: 'Submit' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Thank you' }),
  ).toHaveText('Thank you, your answer was saved.');
  await noMarkup();
  await page.screenshot({ path: `${shots}/17-dx-survey.png`, fullPage: true });

  // The comment is listed as text in the organisation's results (the
  // guest has no team in the catalog: no team's results list it), never
  // as an element.
  await page.goto('/dx?tab=surveys&days=90&owner=group:default/platform-team');
  await expect(
    page.getByText('Respondents of Platform Team').first(),
  ).toBeVisible();
  await expect(page.getByText(/^\d+ respondents$/).first()).toBeVisible();
  await noMarkup();
  await page.goto('/dx?tab=surveys&days=90');
  await expect(
    page.getByText('You answered this survey this period.'),
  ).toBeVisible();
  // Results come for whole periods: this month's show the comment unless
  // the month has too few answers yet (its first days), then they are
  // hidden, comment included.
  const thisMonth = await (
    await page.request.get('/api/dx/surveys/developer-experience/results', {
      headers: auth,
    })
  ).json();
  const comment = page.getByRole('listitem').filter({ hasText: xss });
  if (thisMonth.hidden) {
    await expect(
      page.getByText(/results hidden to keep answers anonymous/).first(),
    ).toBeVisible();
    await expect(comment).toHaveCount(0);
  } else {
    await expect(comment).toHaveCount(1);
    await expect(comment).toHaveText(xss);
  }
  await noMarkup();
  await page.screenshot({
    path: `${shots}/18-dx-survey-results.png`,
    fullPage: true,
  });
  const comments = thisMonth.questions.find(
    (q: { id: string }) => q.id === 'slowed-down',
  ).comments;
  expect(comments?.[0]).toBe(thisMonth.hidden ? undefined : xss);
  expect(dialogs).toEqual([]);
});

/**
 * Stored text as e2e/fixtures/hostile-entities.yaml holds it: every payload
 * sets window.__xss (or opens a dialog) if the browser ever runs it.
 */
const hostile = {
  ref: 'component/hostile-text-service',
  title: `Hostile <img src=x onerror="window.__xss='title'"> title`,
  description:
    `Hostile description <img src=x onerror="window.__xss='description'">` +
    ` then <script>window.__xss='script'</script>` +
    ` then <svg onload="window.__xss='svg'"></svg>` +
    ` then [click me](javascript:window.__xss='md')` +
    ` then <a href="javascript:window.__xss='a'">raw link</a> end.`,
  annotation: `<img src=x onerror="window.__xss='annotation'">`,
};

/**
 * Fails when the page holds an element made from stored text: an event
 * handler attribute, a javascript: URL, a script or iframe of the payloads.
 * These DOM checks are what catch text rendered as HTML: the portal's CSP
 * (script-src-attr 'none') would block the handlers from running. Also fails
 * when a payload did run (window.__xss, trapped by an init script so a value
 * survives page loads) or a dialog opened.
 */
async function expectNothingInjected(
  page: Page,
  where: string,
  dialogs: string[],
) {
  expect(dialogs, `dialogs opened by ${where}`).toEqual([]);
  await expect(page.locator('img[onerror]'), where).toHaveCount(0);
  await expect(page.locator('svg[onload]'), where).toHaveCount(0);
  await expect(page.locator('a[href^="javascript:" i]'), where).toHaveCount(0);
  const found = await page.evaluate(() => {
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) {
          bad.push(`<${el.localName} ${attr.name}="${attr.value}">`);
        } else if (
          /^(href|src|action|formaction|xlink:href|data)$/i.test(attr.name) &&
          /^[\s\u0000-\u001f]*javascript:/i.test(attr.value)
        ) {
          bad.push(`<${el.localName} ${attr.name}="${attr.value}">`);
        }
      }
      if (
        (el.localName === 'script' || el.localName === 'iframe') &&
        /__xss/.test(el.outerHTML)
      ) {
        bad.push(el.outerHTML.slice(0, 120));
      }
    }
    return { bad, xss: (window as { __xss?: unknown }).__xss };
  });
  expect(found.bad, `elements made from stored text on ${where}`).toEqual([]);
  expect(found.xss, `a payload ran on ${where}`).toBeUndefined();
}

test('stored text is shown as text, never run: entity descriptions, titles and gate comments', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  // A payload that runs sets window.__xss; remember it across page loads.
  await page.addInitScript(() => {
    Object.defineProperty(window, '__xss', {
      configurable: true,
      get: () => sessionStorage.getItem('__xss') ?? undefined,
      set: (value: unknown) => sessionStorage.setItem('__xss', String(value)),
    });
  });
  const dialogs: string[] = [];
  page.on('dialog', dialog => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  await signInAsGuest(page);

  // The entity page: the title as text in the header, the description as
  // Markdown with raw HTML made harmless (no handlers, no javascript: links).
  const entityPage = `/catalog/default/${hostile.ref}`;
  await expect(async () => {
    await page.goto(entityPage);
    await expect(
      page.getByText(hostile.title, { exact: true }).first(),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  // (Backstage's about card renders Markdown and sanitises raw HTML: a bare
  // <img src="x"> may stay, blocked by the CSP's img-src anyway.)
  const about = page.locator('p').filter({ hasText: /^Hostile description/ });
  await expect(about).toContainText('then click me then raw link end.');
  await expect(about.getByRole('link')).toHaveCount(0);
  await expectNothingInjected(page, 'the entity page', dialogs);
  await page.screenshot({
    path: `${shots}/19-hostile-entity.png`,
    fullPage: true,
  });

  // Inspect entity: the annotation, as text.
  await page.goto(`${entityPage}?inspect`);
  await expect(
    page.getByRole('dialog').getByText(hostile.annotation, { exact: true }),
  ).toBeVisible();
  await expectNothingInjected(page, 'the inspect dialog', dialogs);

  // Home, right after the visit: the recently visited entity, by its title.
  await page.goto('/');
  await expect(
    page.getByRole('link', { name: hostile.title }).first(),
  ).toBeVisible();
  await expectNothingInjected(page, 'the home page', dialogs);

  // The catalog list, filtered by the fixture's tag: title and description
  // literally, Markdown included.
  await page.goto(
    '/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=all&filters%5Btags%5D=xss-probe',
  );
  await expect(page.getByRole('link', { name: hostile.title })).toBeVisible();
  await expect(
    page.getByText(hostile.description, { exact: true }).first(),
  ).toBeVisible();
  await expectNothingInjected(page, 'the catalog list', dialogs);

  // Search: PostgreSQL's highlighting (ts_headline) drops the tags before
  // the page gets them; the rest, Markdown included, is text.
  await expect(async () => {
    await page.goto('/search?query=hostile');
    await expect(
      page.locator(`a[href="/catalog/default/${hostile.ref}"]`).first(),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await expect(
    page.getByText(
      /Hostile description .*\[click me\]\(javascript:window\.__xss='md'\) then +raw link +end\./,
    ),
  ).toBeVisible();
  await expectNothingInjected(page, 'the search results', dialogs);

  // A golden gate: the guest (of platform-team, a reviewer) asks for a
  // database above 100 GB, with markup in its description, through the
  // scaffolder as the form would.
  const name = `xss-probe-${Date.now().toString(36)}`;
  const parameter = `Probe <img src=x onerror="window.__xss='parameter'"> db`;
  const comment =
    `Too big <img src=x onerror="window.__xss='comment'"> **bold**` +
    ` <script>window.__xss='comment-script'</script>` +
    ` <svg onload="window.__xss='comment-svg'"></svg>` +
    ` [why](javascript:window.__xss='comment-md') <b onmouseover=alert(1)>b</b>`;
  const auth = { authorization: `Bearer ${await guestToken(page)}` };
  let taskId = '';
  await expect(async () => {
    const res = await page.request.post('/api/scaffolder/v2/tasks', {
      headers: auth,
      data: {
        templateRef: 'template:default/postgres-database',
        values: {
          name,
          description: parameter,
          owner: 'group:default/platform-team',
          lifecycle: 'experimental',
          service: `component:default/hostile-text-service`,
          storageGb: 500,
          postgresVersion: '16',
          tier: 'standard',
          costCenter: 'cc-4711',
        },
      },
    });
    expect(res.status()).toBe(201);
    taskId = (await res.json()).id;
  }).toPass({ timeout: 60_000 });
  let gateId = '';
  await expect(async () => {
    const res = await page.request.get('/api/golden-paths/gates?mine=true', {
      headers: auth,
    });
    const gate = (await res.json()).items.find(
      (g: { taskId: string }) => g.taskId === taskId,
    );
    expect(gate?.status).toBe('pending');
    gateId = gate.id;
  }).toPass({ timeout: 30_000 });

  // The reviewer sees it in the queue, with the parameter as text, and
  // rejects it in the review dialog with markup in the comment.
  await page.goto('/golden-paths?tab=gates');
  const table = (column: string) =>
    page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: column }) });
  const queue = table('Waiting since');
  const queued = queue.getByRole('row').filter({ hasText: name });
  // Parameters within the standard are behind "and N more", on hover.
  await queued.getByText(/^and \d+ more$/).hover();
  await expect(
    page.getByRole('tooltip').getByText(`description: ${parameter}`),
  ).toBeVisible();
  await expectNothingInjected(page, 'the review queue', dialogs);
  await page.mouse.move(0, 0);
  await queued
    .getByRole('button', { name: /^Review the request of guest/ })
    .click();
  const review = page.getByRole('dialog', {
    name: 'Review the request of guest',
  });
  await expect(
    review.getByRole('textbox', { name: 'description' }),
  ).toHaveValue(parameter);
  await review.getByRole('textbox', { name: 'Comment' }).fill(comment);
  await review.getByRole('button', { name: 'Reject' }).click();
  await expect(review).toBeHidden();
  await expect(page.getByText('Rejected the request of guest')).toBeVisible();
  await expect(queue.getByText(name)).toHaveCount(0);

  // The requester's view: the status and the audit trail, comment as text.
  await expect(page.getByTestId(`gate-status-${gateId}`)).toHaveText(
    `Rejected by guest: ${comment}`,
  );
  const mine = table('Status').getByRole('row').filter({ hasText: name });
  await mine
    .getByRole('button', { name: /^Detail panel/ })
    .click({ timeout: 10_000 });
  const trail = page.getByRole('table', { name: 'Audit trail' });
  await expect(
    trail
      .getByRole('row', { name: /Rejected/ })
      .getByRole('cell')
      .nth(3),
  ).toHaveText(comment);
  await expectNothingInjected(page, 'the golden gates tab', dialogs);
  await page.screenshot({
    path: `${shots}/20-hostile-gate.png`,
    fullPage: true,
  });

  // The notification of the decision, as text.
  await page.goto('/notifications');
  await expect(
    page
      .getByText(`guest rejected it: ${comment.slice(0, 60)}`, {
        exact: false,
      })
      .first(),
  ).toBeVisible();
  await expectNothingInjected(page, 'the notifications page', dialogs);

  // Stored as sent, and nothing ran anywhere.
  const stored = await page.request.get(`/api/golden-paths/gates/${gateId}`, {
    headers: auth,
  });
  expect((await stored.json()).comment).toBe(comment);
  expect(dialogs).toEqual([]);
});

test('a request off the standard waits for approval, not as a failure, and its requester continues it', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAsGuest(page);

  // The guest asks for a 250 GB database (the standard is at most 100 GB),
  // through the scaffolder as the form would.
  const name = `e2e-big-db-${Date.now().toString(36)}`;
  const auth = { authorization: `Bearer ${await guestToken(page)}` };
  let taskId = '';
  await expect(async () => {
    const res = await page.request.post('/api/scaffolder/v2/tasks', {
      headers: auth,
      data: {
        templateRef: 'template:default/postgres-database',
        values: {
          name,
          description: 'A database that waits at a golden gate',
          owner: 'group:default/platform-team',
          lifecycle: 'experimental',
          service: 'component:default/payments-api',
          storageGb: 250,
          postgresVersion: '16',
          tier: 'standard',
          costCenter: 'cc-4711',
        },
      },
    });
    expect(res.status()).toBe(201);
    taskId = (await res.json()).id;
  }).toPass({ timeout: 60_000 });

  // The stock task page: waiting in words as the task's text output, no
  // error banner, no stack trace, no failed step; nothing to open yet.
  await page.goto(`/create/tasks/${taskId}`);
  const output = page.getByTestId('text-output-box');
  await expect(
    output.getByText(
      /^Waiting for approval by the Platform Team, since \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC \(request \d+\)\.$/,
    ),
  ).toBeVisible({ timeout: 60_000 });
  await expect(
    output.getByText(
      'Databases above 100 GB need a capacity review (storageGb 250 is above the maximum of 100)',
      { exact: true },
    ),
  ).toBeVisible();
  await expect(
    output.getByText(
      'Nothing has been created yet: you are notified when they decide, and after an approval you continue it from My runs on the Golden paths page.',
    ),
  ).toBeVisible();
  await expect(
    page.getByText(/^Error|GateWaitingError|Run failed|at .*\.js:\d+/),
  ).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Open in catalog' })).toHaveCount(
    0,
  );
  await expect(
    page.getByRole('link', { name: 'How was it? (one question)' }),
  ).toHaveCount(0);
  await page.screenshot({
    path: `${shots}/21-gate-waiting-task.png`,
    fullPage: true,
  });

  // My runs: waiting, in the same words, not failed.
  await expect(async () => {
    await page.goto('/golden-paths?tab=runs');
    await expect(page.getByTestId(`run-waiting-${taskId}`)).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 30_000 });
  const waitingRow = page.getByRole('row').filter({
    has: page.getByTestId(`run-waiting-${taskId}`),
  });
  await expect(
    waitingRow.getByText('Waiting for approval', { exact: true }),
  ).toBeVisible();
  await expect(page.getByTestId(`run-waiting-${taskId}`)).toContainText(
    /^Waiting for approval by the Platform Team, since .+\. Nothing has been created yet/,
  );
  await expect(waitingRow).not.toContainText(/fail|error/i);
  await page.screenshot({
    path: `${shots}/22-gate-waiting-runs.png`,
    fullPage: true,
  });

  // The notification says the same.
  await page.goto('/notifications');
  await expect(
    page
      .getByText('Waiting for approval: your request for postgres-database')
      .first(),
  ).toBeVisible();

  // The reviewer (the one-person development config allows the guest)
  // approves a smaller database.
  await page.goto('/golden-paths?tab=gates');
  const queued = page
    .getByRole('table')
    .filter({ has: page.getByRole('columnheader', { name: 'Waiting since' }) })
    .getByRole('row')
    .filter({ hasText: name });
  await queued
    .getByRole('button', { name: /^Review the request of guest/ })
    .click();
  const review = page.getByRole('dialog', {
    name: 'Review the request of guest',
  });
  await review.getByRole('textbox', { name: 'storageGb' }).fill('100');
  await review.getByRole('textbox', { name: 'Comment' }).fill('Start small');
  await review.getByRole('button', { name: 'Approve' }).click();
  await expect(review).toBeHidden();
  await expect(page.getByText('Approved the request of guest')).toBeVisible();

  // The requester continues it: a new task, as them, with 100 GB.
  await page.goto('/golden-paths?tab=runs');
  await page
    .getByRole('button', {
      name: `Continue the run ${taskId} of postgres-database`,
    })
    .click();
  // "Continued as a new task: open the task", or, once the list is read
  // again, "Approved and continued as a new task: open it".
  const started = page
    .getByRole('link', { name: /^(open the task|open it)$/ })
    .first();
  await started.click();
  await expect(page.getByRole('link', { name: 'Open in catalog' })).toBeVisible(
    { timeout: 90_000 },
  );
  await expect(
    page
      .getByTestId('text-output-box')
      .getByText('Approved by guest: Start small'),
  ).toBeVisible();
  await page.screenshot({
    path: `${shots}/23-gate-continued.png`,
    fullPage: true,
  });
  // Made with the approved size.
  const terraform = execFileSync(
    'git',
    [
      `--git-dir=${join(reposDir, `${name}.git`)}`,
      'show',
      'HEAD:terraform/main.tf',
    ],
    { encoding: 'utf8' },
  );
  expect(terraform).toContain('storage_gb     = tonumber("100")');

  // The run that waited reads continued; the new one completed.
  await expect(async () => {
    await page.goto('/golden-paths?tab=runs');
    await expect(
      page
        .getByRole('row')
        .filter({ hasText: 'Approved and continued as a new task' })
        .first(),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
});

test('advisories: the Vulnerabilities page and tab show what the demo advisory hits, with owners', async ({
  page,
}) => {
  await signInAsGuest(page);
  // The demo advisory (demo/advisories) and inventory-service's bom.json
  // (lodash 4.17.20) meet once both are read.
  await expect(async () => {
    await page.goto('/vulnerabilities');
    await expect(
      page.getByRole('row').filter({ hasText: 'DEMO-2026-0001' }),
    ).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  const row = page.getByRole('row').filter({ hasText: 'DEMO-2026-0001' });
  await expect(row).toContainText('high');
  await expect(row).toContainText('lodash 4.17.20');
  await expect(row).toContainText('4.17.21');
  await expect(
    row.getByRole('link', { name: /Inventory service/ }),
  ).toBeVisible();
  await expect(
    row.getByRole('link', { name: /Storefront Team/i }),
  ).toBeVisible();
  await page.screenshot({
    path: `${shots}/30-vulnerabilities.png`,
    fullPage: true,
  });

  await page.goto(
    '/catalog/default/component/inventory-service/vulnerabilities',
  );
  await expect(page.getByText('1 vulnerable package')).toBeVisible({
    timeout: 30_000,
  });
  await expect(
    page.getByRole('row').filter({ hasText: 'DEMO-2026-0001' }),
  ).toContainText('lodash 4.17.20');
});

/** The portal's own pages, each with a heading or text that says it loaded. */
const OUR_PAGES: Array<{ path: string; name: string; ready: RegExp }> = [
  { path: '/', name: 'home', ready: /Platform home/ },
  {
    path: '/golden-paths?tab=runs',
    name: 'golden-paths-runs',
    ready: /Golden paths/,
  },
  { path: '/golden-paths?tab=gates', name: 'golden-gates', ready: /gates/i },
  { path: '/dx', name: 'dx-delivery', ready: /Deployment frequency/ },
  {
    path: '/dx?tab=adoption',
    name: 'dx-adoption',
    ready: /From a golden path/,
  },
  { path: '/dx?tab=scorecards', name: 'dx-scorecards', ready: /Scorecard/ },
  { path: '/dx?tab=onboarding', name: 'dx-onboarding', ready: /first change/i },
  { path: '/dx?tab=surveys', name: 'dx-surveys', ready: /Results/ },
  { path: '/slo', name: 'slo', ready: /SLO/ },
  { path: '/catalog-ingestion', name: 'ingestion', ready: /Changes visible/ },
  { path: '/dependencies', name: 'dependencies', ready: /Dependencies/ },
  {
    path: '/vulnerabilities',
    name: 'vulnerabilities',
    ready: /By vulnerability|No component is hit/,
  },
  {
    path: '/catalog/default/component/inventory-service/vulnerabilities',
    name: 'entity-vulnerabilities',
    ready: /vulnerable package|No known vulnerability/,
  },
  {
    path: '/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=all',
    name: 'catalog',
    ready: /All Components/,
  },
  {
    path: '/catalog/default/component/payments-api/scorecard',
    name: 'entity-scorecard',
    ready: /Production readiness|No scorecard results/,
  },
  {
    path: '/catalog/default/component/payments-api/dependencies',
    name: 'entity-dependencies',
    ready: /Dependencies|SBOM/,
  },
  {
    path: '/catalog/default/component/payments-api/dx',
    name: 'entity-dx',
    ready: /Deployment frequency/,
  },
  {
    path: '/catalog/default/component/checkout-service/slo',
    name: 'entity-slo',
    ready: /SLO/,
  },
];

test('every page of ours fits 1280 and 1920 pixels wide, without console errors', async ({
  page,
}) => {
  // 18 pages at two widths: about 2.5 minutes on 2 cores.
  test.setTimeout(360_000);
  const errors: string[] = [];
  page.on('console', m => {
    if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', e => errors.push(`${page.url()}: ${e.message}`));
  await signInAsGuest(page);
  const problems: object[] = [];
  for (const size of [
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ]) {
    await page.setViewportSize(size);
    for (const p of OUR_PAGES) {
      await page.goto(p.path);
      await expect(page.getByText(p.ready).first()).toBeVisible({
        timeout: 30_000,
      });
      // Let late data settle before measuring.
      await page.waitForLoadState('networkidle');
      const layout = await page.evaluate(() => {
        const root = document.scrollingElement ?? document.documentElement;
        const main =
          document.querySelector('main') ?? document.querySelector('article');
        const where = (el: Element) => {
          const labelled = el.closest('[aria-label]');
          const card = el.closest('.MuiCard-root, .MuiPaper-root');
          const heading = card?.querySelector('h1,h2,h3,h4,h5,h6');
          const name =
            labelled?.getAttribute('aria-label') ??
            heading?.textContent ??
            el.tagName;
          const cls = String(el.className).split(' ')[0];
          return `${name.slice(0, 50)} [${cls}]`;
        };
        // Content scrolling sideways inside the page (a table wider than
        // its card), not counting the tab bars and the featured templates'
        // carousel that scroll by design.
        const scrolling = main
          ? [...main.querySelectorAll('*')]
              .filter(el => {
                const x = getComputedStyle(el).overflowX;
                return (
                  (x === 'auto' || x === 'scroll') &&
                  el.scrollWidth > el.clientWidth + 1 &&
                  !el.closest(
                    '[role="tablist"], .MuiTabs-root, [class*="HomePageFeaturedTemplates"]',
                  )
                );
              })
              .map(where)
          : [];
        // Words broken inside ("Suc ceed ed") in table cells and chips.
        const broken: string[] = [];
        const cells = main
          ? main.querySelectorAll('td, th, .MuiChip-label')
          : [];
        for (const cell of cells) {
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const text = n.textContent ?? '';
            for (const m of text.matchAll(/[A-Za-z]{4,}/g)) {
              const range = document.createRange();
              range.setStart(n, m.index!);
              range.setEnd(n, m.index! + m[0].length);
              const lines = new Set(
                [...range.getClientRects()]
                  .filter(r => r.width > 0)
                  .map(r => Math.round(r.top)),
              );
              if (lines.size > 1) broken.push(`${m[0]} (${where(cell)})`);
            }
          }
        }
        // Chart axis labels cut at the chart's edge ("00%" for "100%").
        const clipped = main
          ? [...main.querySelectorAll('.recharts-cartesian-axis-tick-value')]
              .filter(tick => {
                const svg = tick.closest('svg')!.getBoundingClientRect();
                const box = tick.getBoundingClientRect();
                return box.left < svg.left - 0.5 || box.right > svg.right + 0.5;
              })
              .map(tick => `${tick.textContent} (${where(tick)})`)
          : [];
        return {
          page: root.scrollWidth - root.clientWidth,
          main: main ? main.scrollWidth - main.clientWidth : 0,
          scrolling,
          clipped,
          broken: [...new Set(broken)].slice(0, 10),
        };
      });
      if (
        layout.page ||
        layout.main ||
        layout.scrolling.length ||
        layout.clipped.length ||
        layout.broken.length
      )
        problems.push({ at: p.name, width: size.width, ...layout });
      if (size.width === 1280)
        await page.screenshot({
          path: `${shots}/layout-${p.name}-${size.width}.png`,
          fullPage: true,
        });
      if (size.width === 1280 && process.env.PORTAL_DOCS_SCREENSHOTS) {
        // The pictures in docs/images: `PORTAL_DOCS_SCREENSHOTS=1 yarn test:e2e -g fits`.
        await page.mouse.move(0, 0);
        await page.screenshot({ path: `docs/images/page-${p.name}.png` });
      }
      if (p.name === 'home') {
        await expect(page.getByTestId('search-bar-next')).toHaveCount(1);
        // Every item of the sidebar in sight, none scrolled away, on a
        // 1280 x 800 screen too.
        const hidden = await page
          .getByRole('navigation', { name: 'sidebar nav' })
          .evaluate(nav =>
            [...nav.querySelectorAll('a')]
              .filter(a => {
                const box = a.getBoundingClientRect();
                let clip = window.innerHeight;
                for (let el = a.parentElement; el; el = el.parentElement) {
                  const y = getComputedStyle(el).overflowY;
                  if (y === 'auto' || y === 'scroll' || y === 'hidden')
                    clip = Math.min(clip, el.getBoundingClientRect().bottom);
                }
                return box.height > 0 && box.bottom > clip + 1;
              })
              .map(a => a.textContent),
          );
        expect({ width: size.width, hidden }).toEqual({
          width: size.width,
          hidden: [],
        });
      }
    }
  }
  expect(problems).toEqual([]);
  expect(errors).toEqual([]);
});
