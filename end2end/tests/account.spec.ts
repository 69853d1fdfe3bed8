import { APIRequestContext, expect, request, test } from '@playwright/test';
import { DEMO_OWNER, open, signIn, uniqueEmail } from './helpers';

const PASSWORD = 'a good long password';

/** Signs up a new organisation through the API, in its own cookie jar. */
async function signUpByApi(baseURL: string, name: string, email: string, organisation: string) {
  const api = await request.newContext({ baseURL });
  const res = await api.post('/api/sign_up', { form: { name, email, password: PASSWORD, organisation } });
  expect(res.status()).toBeLessThan(400);
  return api;
}

async function post(api: APIRequestContext, path: string, form: Record<string, string>) {
  const res = await api.post(path, { form, headers: { accept: 'application/json' } });
  expect(res.status(), await res.text()).toBeLessThan(400);
  return res;
}

test('forgot password: the mailed link sets a new password and signs out everywhere', async ({ browser, page, baseURL }, info) => {
  const email = uniqueEmail(info, 'forgetful');
  (await signUpByApi(baseURL!, 'Fran Forgetful', email, 'Forgetful Co')).dispose();

  await open(page, info, '/sign-in');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password/);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send the reset link' }).click();
  await expect(page.getByTestId('reset-sent')).toBeVisible();

  // No SMTP in the tests: the platform admin reads the mail in the admin console's mailbox.
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, info, DEMO_OWNER);
  await open(admin, info, '/admin');
  const mail = admin.getByTestId('mailbox').locator('li').filter({ hasText: `to ${email}` }).first();
  await expect(mail).toContainText('Reset your Sales Hunter password');
  const body = await mail.locator('pre').textContent();
  const link = body?.match(/https?:\/\/\S+\/reset-password\/[0-9a-f]{64}/)?.[0];
  expect(link, body ?? '').toBeTruthy();

  await open(page, info, new URL(link!).pathname);
  await page.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByText('New password must be at least 10 characters')).toBeVisible();
  await page.getByLabel('New password').fill('my brand new password');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page).toHaveURL(/\/sign-in\?reset=1/);
  await expect(page.getByTestId('password-changed')).toBeVisible();

  await signIn(page, info, { email, password: 'my brand new password' });
  await expect(page.getByTestId('tenant-name')).toHaveText('Forgetful Co');

  // The link worked once.
  await open(admin, info, new URL(link!).pathname);
  await expect(admin.getByRole('alert')).toContainText('expired or been used');
});

test('a member of two organisations picks one at sign-in and switches from the user menu', async ({ page, baseURL }, info) => {
  const email = uniqueEmail(info, 'twohats');
  const orgA = `Hat A ${info.project.name}`;
  const orgB = `Hat B ${info.project.name}`;
  const a = await signUpByApi(baseURL!, 'Tess Twohats', email, orgA);
  const b = await signUpByApi(baseURL!, 'Bo Boss', uniqueEmail(info, 'boss'), orgB);
  const created = await (await post(b, '/api/create_invitation', { email, role: 'manager' })).json();
  const token = String(created.accept_path).split('/').pop()!;
  await post(a, '/api/accept_invitation', { token, password: PASSWORD });
  await a.dispose();
  await b.dispose();

  await open(page, info, '/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/choose-organisation/);
  const choices = page.getByTestId('organisations');
  await expect(choices).toContainText(orgA);
  await expect(choices).toContainText(orgB);
  await choices.getByRole('button', { name: new RegExp(orgA) }).click();
  await expect(page.getByTestId('tenant-name')).toHaveText(orgA);

  await page.getByTestId('user-menu').locator('summary').click();
  await page.getByTestId('switch-organisation').getByRole('button', { name: new RegExp(orgB) }).click();
  await expect(page.getByTestId('tenant-name')).toHaveText(orgB);
  await page.getByTestId('user-menu').locator('summary').click();
  await expect(page.getByTestId('user-menu')).toContainText('Role: Manager');
});
