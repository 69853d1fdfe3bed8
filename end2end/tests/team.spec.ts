import { expect, test } from '@playwright/test';
import { DEMO_OWNER, hydrated, open, signIn, signOut, uniqueEmail } from './helpers';

// Inviting shows a one-time link in a dialog, which needs JavaScript.
test('an owner invites a teammate, who joins through the link; the owner changes their role and removes them', async ({ browser, page }, info) => {
  test.skip(!hydrated(info), 'the invitation dialog needs JavaScript');
  const email = uniqueEmail(info, 'casey');

  await signIn(page, info, DEMO_OWNER);
  await open(page, info, '/settings/members');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption('manager');
  await page.getByTestId('send-invite').click();
  const link = await page.getByTestId('invite-link').inputValue();
  expect(link).toMatch(/\/invite\/[0-9a-f]{64}$/);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByTestId('invitation-row').filter({ hasText: email })).toBeVisible();

  // The invitee, in a separate browser context (no shared cookies).
  const invitee = await (await browser.newContext()).newPage();
  await open(invitee, info, link);
  await expect(invitee.getByRole('heading', { name: 'Join Acme Robotics (demo)' })).toBeVisible();
  await invitee.getByLabel('Your name').fill('Casey Closer');
  await invitee.getByLabel('Choose a password').fill('short');
  await invitee.getByRole('button', { name: 'Join the team' }).click();
  await expect(invitee.getByText('Choose a password must be at least 10 characters')).toBeVisible();
  await invitee.getByLabel('Choose a password').fill('casey password 123');
  await invitee.getByRole('button', { name: 'Join the team' }).click();
  await expect(invitee.getByTestId('tenant-name')).toHaveText('Acme Robotics (demo)');

  // The link is used up.
  const again = await (await browser.newContext()).newPage();
  await open(again, info, link);
  await expect(again.getByRole('alert')).toContainText('already been used');

  // Back to the owner: Casey is a member, as manager; make them a rep, then remove them.
  await open(page, info, '/settings/members');
  const row = page.getByTestId('member-row').filter({ hasText: email });
  await expect(row).toBeVisible();
  await row.getByLabel('Role of Casey Closer').selectOption('rep');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Role updated.' })).toBeVisible();

  await row.getByRole('button', { name: 'Remove Casey Closer' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Casey Closer');
  await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(page.getByTestId('member-row').filter({ hasText: email })).toHaveCount(0);

  // Casey's session ended with the membership.
  await invitee.reload();
  await expect(invitee).toHaveURL(/\/sign-in/);
  await signOut(page);
});
