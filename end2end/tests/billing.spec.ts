import { expect, test } from '@playwright/test';
import { DEMO_OWNER, DEMO_REP, hydrated, open, signIn, signOut } from './helpers';

// Runs hydrated, then without JavaScript, on the same demo tenant: a Growth customer ten
// days into its month with last month's invoice paid. The hydrated run upgrades to
// Enterprise (at once, prorated: this period's invoice moves) and schedules a downgrade
// back to Growth; the run without JavaScript finds that downgrade waiting, takes it back,
// previews and schedules another and takes that back too.
test('an owner downloads an invoice, changes the plan and sees the invoice move; a rep has no billing', async ({ page }, info) => {
  await signIn(page, info, DEMO_OWNER);
  await page.getByRole('link', { name: 'Billing' }).click();
  await expect(page).toHaveURL(/\/settings\/billing$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Billing' })).toBeVisible();
  const plan = page.getByTestId('billing-plan');

  // Last month's invoice, downloaded as a file, and its printable page.
  const row = page.getByTestId('invoice-row').first();
  await expect(row).toContainText('Paid');
  const number = (await row.locator('td').first().innerText()).trim();
  expect(number).toMatch(/^SH-\d{4}-\d{6}$/);
  const downloading = page.waitForEvent('download');
  await row.getByRole('link', { name: `Download ${number}` }).click();
  expect((await downloading).suggestedFilename()).toBe(`invoice-${number}.html`);
  const href = await row.getByRole('link', { name: `View ${number}` }).getAttribute('href');
  const printable = await page.context().newPage();
  await printable.goto(href!);
  await expect(printable.getByRole('heading', { name: `Invoice ${number}` })).toBeVisible();
  await expect(printable.getByTestId('invoice-total')).toHaveText('$199.00');
  await printable.close();

  const upcoming = page.getByTestId('upcoming-total');
  const preview = page.getByTestId('plan-preview');
  const next = page.getByTestId('billing-next-plan');
  if (hydrated(info)) {
    await expect(plan.getByRole('heading', { name: 'Growth plan' })).toBeVisible();
    await expect(page.getByTestId('usage-agent_runs')).toContainText('of 10,000 included');
    await expect(upcoming).toHaveText('$199.00');
    // An upgrade: the rest of the month credited and charged, the difference on this
    // period's invoice.
    await page.getByTestId('plan-enterprise').getByRole('link', { name: 'Preview a change to Enterprise' }).click();
    await expect(preview.getByRole('heading', { name: 'Change to Enterprise: Starts now' })).toBeVisible();
    await expect(preview.getByTestId('preview-credit')).toContainText('-$');
    const net = (await preview.getByTestId('preview-net').innerText()).trim();
    expect(net).toMatch(/^\$\d{3}\.\d\d$/);
    await expect(preview.getByTestId('preview-next')).toHaveText('$999.00');
    await preview.getByRole('button', { name: 'Change to Enterprise' }).click();
    await expect(plan.getByRole('heading', { name: 'Enterprise plan' })).toBeVisible();
    await expect(page.getByTestId('plan-preview')).toHaveCount(0);
    // $199.00 and the change: the invoice so far has moved by what the preview said.
    const cents = (s: string) => Math.round(Number(s.replace(/[$,]/g, '')) * 100);
    await expect(upcoming).not.toHaveText('$199.00');
    expect(cents(await upcoming.innerText())).toBe(19900 + cents(net));
    await expect(page.getByTestId('upcoming-invoice')).toContainText('From Growth to Enterprise');
    // Back down to Growth: at the period's end, so nothing moves now.
    await page.getByTestId('plan-growth').getByRole('link', { name: 'Preview a change to Growth' }).click();
    await expect(preview.getByRole('heading', { name: 'Change to Growth: Starts at the end of this period' })).toBeVisible();
    await expect(preview.getByTestId('preview-net')).toHaveText('$0.00');
    await preview.getByRole('button', { name: 'Change to Growth' }).click();
    await expect(next).toContainText('Moves to Growth on');
    await expect(plan.getByRole('heading', { name: 'Enterprise plan' })).toBeVisible();
  } else {
    await expect(plan.getByRole('heading', { name: 'Enterprise plan' })).toBeVisible();
    await expect(page.getByTestId('usage-agent_runs')).toContainText('unlimited');
    await expect(next).toContainText('Moves to Growth on');
    await next.getByRole('button', { name: 'Keep Enterprise' }).click();
    await expect(page.getByTestId('billing-next-plan')).toHaveCount(0);
    await page.getByTestId('plan-starter').getByRole('link', { name: 'Preview a change to Starter' }).click();
    await expect(preview.getByRole('heading', { name: 'Change to Starter: Starts at the end of this period' })).toBeVisible();
    // $49.00, and $19.00 a seat past three (other specs add members to the demo team).
    await expect(preview.getByTestId('preview-next')).toHaveText(/^\$(49|68|87|106|125)\.00$/);
    await expect(preview.getByTestId('plan-preview-explanation')).toContainText('nothing changes before then');
    await preview.getByRole('button', { name: 'Change to Starter' }).click();
    await expect(next).toContainText('Moves to Starter on');
    await next.getByRole('button', { name: 'Keep Enterprise' }).click();
    await expect(page.getByTestId('billing-next-plan')).toHaveCount(0);
    await expect(plan.getByRole('heading', { name: 'Enterprise plan' })).toBeVisible();
  }

  await signOut(page);
  await signIn(page, info, DEMO_REP);
  await expect(page.getByRole('link', { name: 'Billing' })).toHaveCount(0);
  await open(page, info, '/settings/billing');
  await expect(page.getByText('This needs the Admin role or higher')).toBeVisible();
});
