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

// A platform admin adds a plan (retired, so no organisation's Billing page changes), then
// edits it: a bad figure is refused at its field, a good one shows in the plans table.
test('a platform admin adds a plan and changes its price and limits', async ({ page }, info) => {
  const id = `e2e-${info.project.name}-${Date.now().toString(36)}`;
  const name = `Plan ${id}`;
  await signIn(page, info, DEMO_OWNER);
  await open(page, info, '/admin/plans');
  await expect(page.getByRole('heading', { level: 1, name: 'Plans' })).toBeVisible();
  await expect(page.getByTestId('plan-row-free')).toContainText('Free');
  await page.getByLabel('Id', { exact: true }).fill(id);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Price per month').fill('10');
  await page.getByLabel('Seats included').fill('2');
  await page.getByLabel('Offered', { exact: true }).selectOption('false');
  await page.getByRole('button', { name: 'Add the plan' }).click();
  const row = page.getByTestId(`plan-row-${id}`);
  await expect(row).toContainText('$10.00');
  await expect(row).toContainText('Retired');

  await open(page, info, `/admin/plans/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: `${name} plan` })).toBeVisible();
  await page.getByLabel('Seats included').fill('0');
  await page.getByRole('button', { name: 'Save the plan' }).click();
  await expect(page.getByText('Seats included must be between 1 and')).toBeVisible();
  await page.getByLabel('Seats included').fill('3');
  await page.getByLabel('Price per month').fill('12.50');
  await page.getByLabel('Agent runs included').fill('300');
  await page.getByRole('button', { name: 'Save the plan' }).click();
  // The save may still be on its way: look until the table has it.
  await expect(async () => {
    await open(page, info, '/admin/plans');
    await expect(row).toContainText('$12.50', { timeout: 1_000 });
  }).toPass();
  await expect(row).toContainText('3 (no more)');
  await expect(row).toContainText('300 (cap)');
});

test('a rep is refused every page of the admin console', async ({ page }, info) => {
  await signIn(page, info, DEMO_REP);
  for (const path of ['/admin/tenants', '/admin/users', '/admin/billing', '/admin/plans', '/admin/activity']) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('alert')).toContainText('only for platform admins');
  }
});
