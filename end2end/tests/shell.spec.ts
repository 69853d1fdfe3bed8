import { expect, test } from '@playwright/test';
import { DEMO_OWNER, DEMO_REP, DEMO_TENANT, hydrated, open, signIn, signOut, uniqueEmail } from './helpers';

test('signed-out visitors are sent to the sign-in page', async ({ page }, info) => {
  await open(page, info, '/leads');
  await expect(page).toHaveURL(/\/sign-in\?next=\/leads$/);
  await expect(page.getByRole('heading', { name: 'Sign in to your organisation' })).toBeVisible();
});

test('sign in, see the shell, navigate, sign out', async ({ page }, info) => {
  await signIn(page, info, DEMO_OWNER);
  await expect(page.getByTestId('tenant-name')).toHaveText(DEMO_TENANT);
  await expect(page.getByRole('heading', { name: 'Welcome, Dana' })).toBeVisible();

  const nav = page.getByRole('complementary', { name: 'Main' });
  for (const item of ['Dashboard', 'Leads', 'Accounts', 'Contacts', 'Pipeline', 'Agents', 'Connectors', 'Sales settings', 'Admin']) {
    await expect(nav.getByRole('link', { name: item })).toBeVisible();
  }

  await nav.getByRole('link', { name: 'Leads' }).click();
  await expect(page).toHaveURL(/\/leads$/);
  await expect(page.getByRole('heading', { name: 'Leads', level: 1 })).toBeVisible();
  await expect(page.getByTestId('leads-table')).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Leads' })).toHaveAttribute('aria-current', 'page');

  await nav.getByRole('link', { name: 'Pipeline' }).click();
  await expect(page.getByRole('heading', { name: 'Pipeline', level: 1 })).toBeVisible();

  await page.goto('/settings/members');
  await expect(page.getByTestId('member-row')).toHaveCount(2);
  await expect(page.getByTestId('members-table')).toContainText(DEMO_REP.email);

  await signOut(page);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a wrong password is reported on the password field', async ({ page }, info) => {
  await open(page, info, '/sign-in');
  await page.getByLabel('Email').fill(DEMO_REP.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('The e-mail or password is incorrect.');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('a rep sees no admin console', async ({ page }, info) => {
  await signIn(page, info, DEMO_REP);
  const nav = page.getByRole('complementary', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Leads' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await page.goto('/admin');
  await expect(page.getByRole('alert')).toContainText('only for platform admins');
});

test('sign up creates an organisation and its owner', async ({ page }, info) => {
  await open(page, info, '/sign-up');
  await page.getByLabel('Your name').fill('Olive Owner');
  await page.getByLabel('Work email').fill('not-an-email');
  await page.getByLabel('Password').fill('long enough password');
  await page.getByLabel('Organisation').fill('Olive Corp');
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await expect(page.getByText('Work email is not a valid e-mail address')).toBeVisible();

  await page.getByLabel('Your name').fill('Olive Owner');
  await page.getByLabel('Work email').fill(uniqueEmail(info, 'olive'));
  await page.getByLabel('Password').fill('long enough password');
  await page.getByLabel('Organisation').fill('Olive Corp');
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await expect(page.getByTestId('tenant-name')).toHaveText('Olive Corp');
  await expect(page.getByTestId('kpi-pipeline_value')).toContainText('$0');
});

test('every render of a page names its WASM chunks, and the browser fetches each once', async ({ page }, info) => {
  await signIn(page, info, DEMO_OWNER);
  const named = (html: string) => [...new Set(html.match(/\/pkg\/[^"]+\.wasm/g) ?? [])].sort();
  const files = new Set<string>();
  for (const path of ['/', '/leads', '/pipeline']) {
    // Leptos's own preloads came out of some renders only (docs/ARCHITECTURE.md, Builds).
    const first = named(await (await page.request.get(path)).text());
    // The main module and at least one chunk of the page.
    expect(first.length, path).toBeGreaterThan(1);
    for (let render = 2; render <= 3; render++) {
      expect(named(await (await page.request.get(path)).text()), `${path}, render ${render}`).toEqual(first);
    }
    first.forEach((f) => files.add(f));
  }
  for (const href of files) expect((await page.request.head(href)).status(), href).toBe(200);
  if (hydrated(info)) {
    // A preload the loader could not reuse would be fetched a second time.
    const fetched: string[] = [];
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) fetched.push(new URL(r.url()).pathname); });
    await open(page, info, '/leads');
    await expect(page.getByTestId('leads-table')).toBeVisible();
    expect(fetched.length).toBeGreaterThan(1);
    expect(fetched.length, fetched.join('\n')).toBe(new Set(fetched).size);
  }
});
