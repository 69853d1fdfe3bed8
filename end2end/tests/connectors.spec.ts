import { expect, request, test } from '@playwright/test';
import { hydrated, open, signIn, uniqueEmail } from './helpers';
import { CLIENT_ID, CLIENT_SECRET, startFakeOrg } from './fake-salesforce';

test('connect Salesforce through OAuth, sync a lead in, read the run, disconnect', async ({ page, baseURL }, info) => {
  const org = await startFakeOrg();
  try {
    const tag = `${info.project.name}-${Date.now()}`;
    org.leads.push({
      attributes: { type: 'Lead' }, Id: '00Q000000000E2EAAA', SystemModstamp: '2026-11-20T09:00:00.000+0000',
      FirstName: 'Grace', LastName: `Synced${tag}`, Email: `grace.${tag}@navy.example`, Company: 'Navy',
      Status: 'Working - Contacted',
    });
    // A fresh organisation: one Salesforce connection per organisation.
    const email = uniqueEmail(info, 'connector');
    const api = await request.newContext({ baseURL });
    const made = await api.post('/api/sign_up', {
      form: { name: 'Cora Connector', email, password: 'a good long password', organisation: `Connect ${tag}` },
    });
    expect(made.status()).toBeLessThan(400);
    await api.dispose();
    await signIn(page, info, { email, password: 'a good long password' });

    await open(page, info, '/connectors');
    const card = page.getByTestId('connector-salesforce');
    await expect(card.getByTestId('callback-url')).toContainText('/connectors/salesforce/callback');

    // A host that is not Salesforce's is refused, by field, and nothing is saved.
    await card.getByLabel('Login host').fill('http://evil.example');
    await card.getByLabel('Consumer key (client id)').fill(CLIENT_ID);
    await card.getByLabel('Consumer secret').fill(CLIENT_SECRET);
    await card.getByTestId('save-settings').click();
    await expect(page.getByText('Salesforce is reached over HTTPS only.')).toBeVisible();

    await page.getByTestId('connector-salesforce').getByLabel('Login host').fill(org.url);
    await page.getByTestId('connector-salesforce').getByLabel('Consumer key (client id)').fill(CLIENT_ID);
    await page.getByTestId('connector-salesforce').getByLabel('Consumer secret').fill(CLIENT_SECRET);
    await page.getByTestId('connector-salesforce').getByTestId('save-settings').click();
    await expect(page.getByTestId('connect')).toBeVisible();

    // The real redirects: to the org's login page, back to our callback, back to the page.
    await page.getByTestId('connect').click();
    await expect(page).toHaveURL(/\/connectors\?connected=salesforce/);
    await expect(page.getByTestId('connected-banner')).toBeVisible();
    await expect(page.getByTestId('connector-salesforce')).toHaveAttribute('data-status', 'connected');
    await expect(page.getByTestId('connector-salesforce')).toContainText('org 00D000000000E2EAAA');
    if (hydrated(info)) {
      await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
    }

    await page.getByTestId('sync-now').click();
    const runs = page.getByTestId('runs');
    await expect(async () => {
      if (!hydrated(info)) await page.goto('/connectors');
      await expect(runs.locator('tr[data-state="done"]')).toHaveCount(1, { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(runs).toContainText('Leads: 1 fetched, 1 created');
    await expect(page.getByTestId('api-allowance')).toContainText('of 15,000 API calls');

    await open(page, info, `/leads?q=${encodeURIComponent(`synced${tag}`.toLowerCase())}`);
    await expect(page.getByTestId('leads-table').getByRole('link', { name: `Grace Synced${tag}` })).toBeVisible();

    await open(page, info, '/connectors');
    await page.getByTestId('disconnect').click();
    await expect(page.getByTestId('connector-salesforce')).toHaveAttribute('data-status', 'disconnected');
    expect(org.revoked.length).toBe(1);
  } finally {
    await org.close();
  }
});
