import { expect, test } from '@playwright/test';
import { DEMO_OWNER, DEMO_REP, hydrated, signIn } from './helpers';

// An owner makes a read key on Settings → API keys, copies it from the page (shown once),
// calls the API with it as a tool would, sees its last use, revokes it and sees it refused.
test('an owner makes an API key, uses it once shown, and revokes it', async ({ page, request }, info) => {
  test.skip(!hydrated(info), 'the new key is shown by the page\'s script, once');
  await signIn(page, info, DEMO_OWNER);
  await page.getByRole('link', { name: 'API keys' }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);
  await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();

  const name = `Warehouse ${Date.now()}`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Scope').selectOption('read');
  await page.getByTestId('create-api-key').click();
  const secret = await page.getByTestId('api-key-secret').inputValue();
  expect(secret).toMatch(/^shk_[0-9a-f]{64}$/);
  const row = page.getByTestId('api-key-row').filter({ hasText: name });
  await expect(row).toContainText('Never');
  await expect(row).toContainText(secret.slice(0, 12));
  await expect(row).not.toContainText(secret);

  const auth = { Authorization: `Bearer ${secret}` };
  const leads = await request.get('/api/v1/leads', { headers: auth });
  expect(leads.status()).toBe(200);
  expect((await leads.json()).rows.length).toBeGreaterThan(0);
  const write = await request.post('/api/v1/leads', { headers: auth, data: { first_name: 'No', last_name: 'Write' } });
  expect(write.status()).toBe(403);

  await page.reload();
  await expect(page.getByTestId('api-key-secret')).toHaveCount(0);
  await expect(row).not.toContainText('Never');
  await row.getByRole('button', { name: `Revoke the key ${name}` }).click();
  await expect(row).toContainText('Revoked');
  expect((await request.get('/api/v1/leads', { headers: auth })).status()).toBe(401);
});

test('a rep has no API keys', async ({ page }, info) => {
  await signIn(page, info, DEMO_REP);
  await expect(page.getByRole('link', { name: 'Billing' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'API keys' })).toHaveCount(0);
});
