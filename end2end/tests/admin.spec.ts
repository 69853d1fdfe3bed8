import { expect, test } from '@playwright/test';
import { DEMO_OWNER, DEMO_REP, open, signIn, uniqueEmail } from './helpers';

// A platform admin (the demo owner) suspends a fresh organisation: its owner is signed out
// and refused at sign-in; reactivated, they sign in again. The trail shows both.
test('suspend an organisation and see its user refused; reactivate it', async ({ browser }, info) => {
  const tag = `${info.project.name}${Date.now()}`;
  const email = uniqueEmail(info, 'suspended');
  const org = `Suspended ${tag}`;
  const user = await (await browser.newContext()).newPage();
  await open(user, info, '/sign-up');
  await user.getByLabel('Your name').fill('Sam Suspended');
  await user.getByLabel('Work email').fill(email);
  await user.getByLabel('Password').fill('long enough password');
  await user.getByLabel('Organisation').fill(org);
  await user.getByRole('button', { name: 'Create organisation' }).click();
  await expect(user.getByTestId('tenant-name')).toHaveText(org);

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, info, DEMO_OWNER);
  await admin.getByRole('complementary', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await admin.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Organisations' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Organisations' })).toBeVisible();
  await admin.getByLabel('Find an organisation').fill(tag);
  await admin.getByRole('button', { name: 'Filter' }).click();
  const row = admin.getByTestId('tenant-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Growth');
  await row.getByRole('link', { name: org }).click();
  await expect(admin.getByRole('heading', { level: 1, name: org })).toBeVisible();
  await expect(admin.getByTestId('tenant-members')).toContainText(email);

  // A reason is required; then suspended.
  const standing = admin.getByTestId('tenant-standing');
  await standing.getByLabel('Reason').fill('Chargeback on the card');
  await standing.getByRole('button', { name: 'Suspend' }).click();
  await expect(standing).toContainText('Suspended since');
  await expect(standing).toContainText('Chargeback on the card');

  // Its user: signed out at the next page, refused at sign-in with the reason why.
  await user.goto('/leads');
  await expect(user).toHaveURL(/\/sign-in/);
  await user.getByLabel('Email').fill(email);
  await user.getByLabel('Password').fill('long enough password');
  await user.getByRole('button', { name: 'Sign in' }).click();
  await expect(user.getByRole('alert')).toContainText('Your organisation is suspended');

  // Reactivated: the user signs in again.
  await standing.getByRole('button', { name: 'Reactivate' }).click();
  await expect(standing).toContainText('Active.');
  await open(user, info, '/sign-in');
  await user.getByLabel('Email').fill(email);
  await user.getByLabel('Password').fill('long enough password');
  await user.getByRole('button', { name: 'Sign in' }).click();
  await expect(user.getByTestId('tenant-name')).toHaveText(org);

  // The trail, filtered to the organisation: reactivated, then suspended, newest first.
  await admin.getByRole('link', { name: 'Its activity' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
  const actions = admin.getByTestId('audit-row').locator('td:nth-child(4)');
  await expect(actions.first()).toHaveText('auth.signed_in');
  await expect(actions.filter({ hasText: /^tenant\./ })).toHaveText(['tenant.reactivated', 'tenant.suspended']);
  await user.context().close();
  await admin.context().close();
});

test('a rep is refused every page of the admin console', async ({ page }, info) => {
  await signIn(page, info, DEMO_REP);
  for (const path of ['/admin/tenants', '/admin/users', '/admin/activity']) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('alert')).toContainText('only for platform admins');
  }
});
