import { expect, test } from '@playwright/test';
import { DEMO_OWNER, DEMO_REP, open, signIn, signOut } from './helpers';

// Runs hydrated and without JavaScript: every form on the page is a plain form too. The
// stage it adds is removed again, so the board the other specs use is unchanged.
test('an owner adds, moves, renames and removes a stage, sets the quota and adds a custom field; a rep only reads', async ({ page }, info) => {
  const stage = `Pilot ${info.project.name}`;
  await signIn(page, info, DEMO_OWNER);
  await open(page, info, '/settings/sales');
  await expect(page.getByRole('heading', { level: 1, name: 'Sales settings' })).toBeVisible();

  // A wrong probability is named and nothing is added.
  const add = page.getByTestId('add-stage-form');
  await add.getByLabel('New stage').fill(stage);
  await add.getByLabel('Win probability (%)').fill('130');
  await add.getByRole('button', { name: 'Add stage' }).click();
  await expect(page.getByText('must be a whole number from 0 to 100').first()).toBeVisible();
  await expect(page.getByTestId('stage-row').filter({ hasText: stage })).toHaveCount(0);

  await add.getByLabel('New stage').fill(stage);
  await add.getByLabel('Win probability (%)').fill('30');
  await add.getByLabel('Forecast category').selectOption('best_case');
  await add.getByRole('button', { name: 'Add stage' }).click();
  const rows = page.getByTestId('stage-row');
  const named = (name: string) => page.locator(`[data-testid="stage-list"] input[name="input[name]"][value="${name}"]`);
  const nameAt = (i: number) => page.getByTestId('stage-list').locator('input[name="input[name]"]').nth(i);
  // New stages go after the open ones, before won and lost.
  await expect(named(stage)).toHaveCount(1);
  await expect(nameAt(-3)).toHaveValue(stage);
  await expect(nameAt(-2)).toHaveValue('Closed won');

  await page.getByRole('button', { name: `Move up: ${stage}` }).click();
  await expect(nameAt(-4)).toHaveValue(stage);
  await expect(nameAt(-3)).toHaveValue('Negotiation');

  const row = rows.filter({ has: page.locator(`input[value="${stage}"]`) });
  await row.getByLabel('Stage name').fill(`${stage} phase`);
  await row.getByLabel('Win probability (%)').fill('35');
  await row.getByRole('button', { name: `Save ${stage}` }).click();
  await expect(named(`${stage} phase`)).toHaveCount(1);

  await page.getByRole('button', { name: `Remove ${stage} phase` }).click();
  await expect(named(`${stage} phase`)).toHaveCount(0);
  await expect(nameAt(-3)).toHaveValue('Negotiation');
  // A stage with deals cannot be removed: it offers no button.
  await expect(page.getByRole('button', { name: 'Remove Prospecting' })).toHaveCount(0);

  // The quota: a wrong amount is named; the demo's own figure is saved again.
  const quota = page.getByTestId('quota-section');
  await quota.getByLabel('Quota per quarter').fill('a lot');
  await quota.getByRole('button', { name: 'Save' }).click();
  await expect(quota.getByText('must be an amount such as 12500')).toBeVisible();
  await quota.getByLabel('Quota per quarter').fill('750,000');
  await quota.getByRole('button', { name: 'Save' }).click();
  await expect(quota.getByTestId('quota-summary')).toContainText('750,000');

  // A custom field on accounts appears in the list.
  const field = page.getByTestId('add-field-form');
  const label = `Segment ${info.project.name} ${Date.now() % 100000}`;
  await field.getByLabel('Object').selectOption('account');
  await field.getByLabel('Field label').fill(label);
  await field.getByRole('button', { name: 'Add field' }).click();
  await expect(page.getByTestId('custom-fields')).toContainText(label);
  await signOut(page);

  await signIn(page, info, DEMO_REP);
  await open(page, info, '/settings/sales');
  await expect(page.getByText('Admins and owners change these settings')).toBeVisible();
  await expect(page.getByTestId('stage-row').first()).toContainText('Prospecting');
  await expect(page.getByRole('button', { name: 'Add stage' })).toHaveCount(0);
  await signOut(page);
});
