import { expect, test } from '@playwright/test';
import { DEMO_OWNER, hydrated, open, signIn } from './helpers';

test('the 404 page runs its scripts under the CSP and hydrates', async ({ page }, info) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) violations.push(m.text());
  });
  const res = await page.goto('/no/such/page');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  // The header's nonce is the one on the page's scripts.
  const csp = res?.headers()['content-security-policy'] ?? '';
  const nonce = /'nonce-([0-9a-f]+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  const nonces = await page.locator('script').evaluateAll((s) => s.map((e) => (e as HTMLScriptElement).nonce));
  expect(nonces.length).toBeGreaterThan(0);
  expect(nonces.filter((n) => n !== nonce)).toEqual([]);
  if (hydrated(info)) {
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  }
  expect(violations).toEqual([]);
});

test('KPI values fit their cards from 360 to 1920 px; money is compact with the exact value on hover', async ({ page }, info) => {
  await signIn(page, info, DEMO_OWNER);
  for (const width of [360, 768, 1280, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    await open(page, info, '/');
    const cards = page.locator('[data-testid="kpis"] > div');
    await expect(cards).toHaveCount(10);
    const overflows = await cards.evaluateAll((all) =>
      all.flatMap((card) => {
        const value = card.querySelector('[data-testid="kpi-value"]') as HTMLElement;
        const c = card.getBoundingClientRect();
        const v = value.getBoundingClientRect();
        // The value's text within its own box, the box within the card, nothing spilling.
        const bad =
          value.scrollWidth > card.clientWidth ||
          value.scrollWidth > value.clientWidth ||
          card.scrollWidth > card.clientWidth ||
          v.right > c.right + 0.5 ||
          v.left < c.left - 0.5;
        return bad ? [`${card.getAttribute('data-testid')}: "${value.innerText}" ${value.scrollWidth} > ${card.clientWidth}`] : [];
      }),
    );
    expect(overflows, `at ${width} px`).toEqual([]);
  }
  // The open pipeline is in the millions: shown compact, exact on hover.
  const pipeline = page.getByTestId('kpi-pipeline_value').getByTestId('kpi-value');
  await expect(pipeline).toHaveText(/^\$\d+(\.\d+)?[KM]$/);
  await expect(pipeline).toHaveAttribute('title', /^\$\d{1,3}(,\d{3})+$/);
});

test('the demo dashboard shows a figure for every KPI', async ({ page }, info) => {
  await signIn(page, info, DEMO_OWNER);
  await open(page, info, '/');
  const values = await page.locator('[data-testid="kpis"] [data-testid="kpi-value"]').allInnerTexts();
  expect(values).toHaveLength(10);
  for (const v of values) {
    expect(v.trim()).not.toMatch(/^(—|0(\.0)?%|\$0|0)$/);
  }
  await expect(page.getByTestId('kpi-lead_conversion').getByTestId('kpi-value')).not.toHaveText('0.0%');
});

test('the sidebar spans the whole height of a long page', async ({ page }, info) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, info, DEMO_OWNER);
  await open(page, info, '/leads');
  await expect(page.getByTestId('leads-table')).toBeVisible();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height).toBeGreaterThan(720 * 1.5);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  const sidebar = page.getByTestId('sidebar');
  const box = await sidebar.boundingBox();
  expect(box).not.toBeNull();
  // Scrolled to the bottom, the dark column reaches the bottom of the viewport…
  expect(box!.y + box!.height).toBeGreaterThanOrEqual(720 - 1);
  // …because it is as tall as the page, not one viewport tall.
  const tall = await sidebar.evaluate((e) => e.getBoundingClientRect().height);
  expect(tall).toBeGreaterThanOrEqual(height - 1);
  // Its navigation stays in view.
  await expect(page.getByRole('complementary', { name: 'Main' }).getByRole('link', { name: 'Leads' })).toBeInViewport();
});

test('an opportunity is deleted after a confirm step, and leaves the board', async ({ page }, info) => {
  const name = `Delete me ${info.project.name}-${Date.now()}`;
  await signIn(page, info, DEMO_OWNER);
  await open(page, info, '/pipeline');
  await page.getByText('New opportunity', { exact: true }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Amount').fill('1,000');
  await page.getByLabel('Close date').fill('2030-01-31');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  if (hydrated(info)) {
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  }
  const confirm = page.getByRole('button', { name: 'Yes, delete this opportunity' });
  await expect(confirm).toBeHidden();
  await page.getByText('Delete opportunity…').click();
  await confirm.click();
  await expect(page).toHaveURL(/\/pipeline$/);
  await expect(page.getByRole('heading', { name: 'Pipeline', level: 1 })).toBeVisible();
  await expect(page.locator(`[data-testid="deal-card"][data-deal="${name}"]`)).toHaveCount(0);
});
