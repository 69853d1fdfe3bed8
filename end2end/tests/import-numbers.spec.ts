import { expect, Page, TestInfo, test } from '@playwright/test';
import { DEMO_OWNER, hydrated, open, signIn } from './helpers';

async function followToDone(page: Page, info: TestInfo) {
  const progress = page.getByTestId('import-progress');
  if (hydrated(info)) {
    await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  } else {
    await expect(async () => {
      await page.reload();
      await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
  }
}

test('a decimal-comma file: numbers read in its format, the format switchable, failed rows show their value', async ({ page }, info) => {
  const tag = `${info.project.name}-${Date.now()}`;
  await signIn(page, info, DEMO_OWNER);
  await open(page, info, '/leads/import');

  // A `;`-separated file as German spreadsheets save it: `1.200` is twelve hundred.
  const csv = [
    'Last Name;Email;Company;No. of Employees',
    `Mueller${tag};hans.${tag}@zahlen.example;Mueller GmbH;1.200`,
    `Klein${tag};karl.${tag}@zahlen.example;Klein OHG;ca. 50`,
    '',
  ].join('\r\n');
  await page.locator('#import-file').setInputFiles({ name: `zahlen-${tag}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload and map columns' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `zahlen-${tag}.csv` })).toBeVisible();
  if (hydrated(info)) {
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  }

  const format = page.getByLabel('Numbers in this file are written as');
  const preview = page.getByTestId('import-preview');
  await expect(format).toHaveValue('comma');
  await expect(preview.getByTestId('preview-values').first()).toHaveText('No. of Employees: 1200');

  // Read with decimal points instead, the same cell is 1.2 employees: the preview says so.
  await format.selectOption('point');
  await page.getByRole('button', { name: 'Save and preview' }).click();
  await expect(preview).toContainText('employee_count: “1.200” is not a whole number');

  await page.getByLabel('Numbers in this file are written as').selectOption('comma');
  await page.getByRole('button', { name: 'Save and preview' }).click();
  await expect(preview.getByTestId('preview-values').first()).toHaveText('No. of Employees: 1200');

  await page.getByTestId('start-import').click();
  await followToDone(page, info);
  await expect(page.getByTestId('import-counts')).toContainText('1 created');
  await expect(page.getByTestId('import-counts')).toContainText('1 failed');
  // The row not imported names the field, the rule and the value that broke it.
  const errors = page.getByTestId('import-errors');
  await expect(errors).toContainText('employee_count');
  await expect(errors.getByTestId('error-value')).toHaveText('ca. 50');
  await expect(errors).toContainText('“ca. 50” is not a number as this file writes them');
});
