import { expect, Page, test } from '@playwright/test';
import * as path from 'path';
import { DEMO_OWNER, hydrated, open, signIn } from './helpers';

// axe-core is injected as an inline script, which the app's CSP rightly refuses.
test.use({ bypassCSP: true });

const AXE = path.join(__dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js');

/** Serious and critical axe-core violations on the current page. */
async function violations(page: Page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    // @ts-ignore axe is injected above
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')).join(', ')}`);
  });
  return result as string[];
}

test('every page passes the accessibility audit (no serious or critical violation)', async ({ page }, info) => {
  // The markup is the same with JavaScript off; axe needs script to run.
  test.skip(!hydrated(info), 'axe-core runs as script in the page');
  // Some thirty pages, each loaded, hydrated and audited.
  test.setTimeout(180_000);
  for (const p of ['/sign-in', '/sign-up', '/forgot-password']) {
    await open(page, info, p);
    expect(await violations(page), p).toEqual([]);
  }
  await signIn(page, info, DEMO_OWNER);
  const pages = ['/', '/leads', '/leads/new', '/leads/import', '/accounts', '/contacts', '/pipeline', '/connectors', '/agents', '/agents/prospector', '/agents/pipeline-analyst', '/agents/qualifier', '/agents/runs', '/search?q=glo', '/settings/members', '/settings/sales', '/settings/billing', '/settings/api-keys', '/admin', '/admin/tenants', '/admin/users', '/admin/billing', '/admin/plans', '/admin/plans/starter', '/admin/activity'];
  await open(page, info, '/leads');
  const lead = await page.getByTestId('leads-table').locator('tbody a').first().getAttribute('href');
  await open(page, info, '/pipeline');
  const deal = await page.getByTestId('deal-card').first().getByRole('link').first().getAttribute('href');
  await open(page, info, '/accounts');
  const account = await page.getByTestId('accounts-table').locator('tbody td:nth-child(2) a').first().getAttribute('href');
  await open(page, info, '/contacts');
  const contact = await page.getByTestId('contacts-table').locator('tbody td:nth-child(2) a').first().getAttribute('href');
  for (const p of [...pages, lead!, deal!, account!, contact!]) {
    await open(page, info, p);
    expect(await violations(page), p).toEqual([]);
  }
  // An import's mapping page, after an upload.
  await open(page, info, '/leads/import');
  await page.locator('#import-file').setInputFiles({
    name: 'a11y.csv', mimeType: 'text/csv', buffer: Buffer.from('Name,E-mail\nAda Audit,ada.audit@example.com\n'),
  });
  await page.getByRole('button', { name: 'Upload and map columns' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'a11y.csv' })).toBeVisible();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  expect(await violations(page), 'import mapping').toEqual([]);
});
