import { expect, test } from '@playwright/test';
import { DEMO_OWNER, hydrated, open, signIn } from './helpers';

test('import leads from a CSV: map a column, preview, import, follow it, get the failed rows', async ({ page }, info) => {
  const tag = `${info.project.name}-${Date.now()}`;
  await signIn(page, info, DEMO_OWNER);
  await open(page, info, '/leads');
  await page.getByTestId('import-leads').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import leads' })).toBeVisible();

  const csv = [
    'Full name,Work email,Company,Notes',
    `Ada Import${tag},ada.${tag}@import.example,Engines ${tag},first`,
    `Bad Mail${tag},not-an-email,Broken ${tag},second`,
    '',
  ].join('\r\n');
  await page.locator('#import-file').setInputFiles({ name: `leads-${tag}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload and map columns' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `leads-${tag}.csv` })).toBeVisible();
  if (hydrated(info)) {
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  }

  // "Work email" is not a spelling the importer knows: map it by hand, then preview.
  const preview = page.getByTestId('import-preview');
  await expect(preview).not.toContainText('not-an-email');
  await page.getByLabel('Field for Work email').selectOption('email');
  await page.getByRole('button', { name: 'Save and preview' }).click();
  await expect(preview).toContainText('New lead');
  await expect(preview).toContainText('email: is not a valid e-mail address');

  await page.getByTestId('start-import').click();
  const progress = page.getByTestId('import-progress');
  if (hydrated(info)) {
    // The page follows the job by itself.
    await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  } else {
    await expect(progress).toBeVisible();
    await expect(async () => {
      await page.reload();
      await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
  }
  await expect(page.getByTestId('import-counts')).toContainText('1 created');
  await expect(page.getByTestId('import-counts')).toContainText('1 failed');
  const errors = page.getByTestId('import-errors');
  await expect(errors).toContainText('is not a valid e-mail address');
  const href = await page.getByTestId('errors-csv').getAttribute('href');
  const download = await page.request.get(href!);
  expect(download.status()).toBe(200);
  expect(await download.text()).toContain(`Bad Mail${tag},not-an-email`);

  // The imported lead is a lead like any other.
  await open(page, info, `/leads?q=${encodeURIComponent(`import${tag}`.toLowerCase())}`);
  await expect(page.getByTestId('leads-table').getByRole('link', { name: `Ada Import${tag}` })).toBeVisible();
});
