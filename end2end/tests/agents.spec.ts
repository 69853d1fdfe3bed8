import { expect, test } from '@playwright/test';
import { hydrated, open, uniqueEmail } from './helpers';

// A fresh organisation of its own: the profile it edits is nobody else's.
test('agents: edit the profile, rescore, see the breakdown change; write a brief, open the run, replay it', async ({ page }, info) => {
  const tag = `${info.project.name}${Date.now()}`;
  await open(page, info, '/sign-up');
  await page.getByLabel('Your name').fill('Pia Prospector');
  await page.getByLabel('Work email').fill(uniqueEmail(info, 'agents'));
  await page.getByLabel('Password').fill('long enough password');
  await page.getByLabel('Organisation').fill(`Agents ${tag}`);
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await expect(page.getByTestId('tenant-name')).toBeVisible();

  // A lead, scored by the default profile from the start.
  await open(page, info, '/leads/new');
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill(`Lovelace${tag}`);
  await page.getByLabel('Title').fill('VP Sales');
  await page.getByLabel('Company').fill('Acme');
  await page.getByLabel('Industry').fill('Fintech');
  await page.getByLabel('Country').fill('Germany');
  await page.getByLabel('Employees').fill('250');
  await page.getByRole('button', { name: 'Create lead' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Ada Lovelace${tag}` })).toBeVisible();
  const leadUrl = page.url();
  await expect(page.getByRole('heading', { name: 'Score: 49 · grade B' })).toBeVisible();
  await expect(page.getByTestId('score-reasons')).toContainText('industry: Fintech');
  await expect(page.getByTestId('score-reasons')).not.toContainText('region: Germany');

  // The agents page: the Prospector's card, the others coming next.
  await open(page, info, '/agents');
  await expect(page.getByTestId('agent-card-prospector')).toContainText('Built-in (offline)');
  await expect(page.getByTestId('agent-card-qualifier')).toContainText('Built-in (offline)');
  await page.getByRole('link', { name: 'Settings and profile' }).click();
  await expect(page.getByTestId('prospector-version')).toContainText('Version 1 in use');

  // A wrong value is named and nothing is saved; then Germany joins the profile.
  const form = page.getByTestId('prospector-form');
  await form.getByLabel('Regions (countries)').fill('Germany, United Kingdom');
  await form.getByLabel('Grade B from').fill('90');
  await form.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(form.getByText('Grades must step down')).toBeVisible();
  await form.getByLabel('Grade B from').fill('55');
  await form.getByLabel('Regions (countries)').fill('Germany, United Kingdom');
  await form.getByLabel('What changed (optional)').fill('EMEA');
  await form.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(page.getByTestId('prospector-version')).toContainText('Version 2 in use');
  await expect(page.getByTestId('versions')).toContainText('EMEA');
  await expect(page.getByTestId('version-changes').first()).toContainText('icp.regions: [] → ["Germany","United Kingdom"]');

  // The bulk rescore runs on the worker; the lead's breakdown changes when it is done.
  await expect(async () => {
    await open(page, info, leadUrl);
    await expect(page.getByTestId('score-reasons')).toContainText('region: Germany', { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Score: 56 · grade B' })).toBeVisible();

  // A research brief, written offline by the built-in provider.
  await page.getByRole('button', { name: 'Write a research brief' }).click();
  if (hydrated(info)) {
    await expect(page.getByTestId('research-brief')).toContainText('Score 56 (B)');
    await page.getByTestId('research-brief').getByRole('link', { name: 'See the run' }).click();
  } else {
    // Without JavaScript the form posts and lands on the run's page, with the finished text.
    await expect(page).toHaveURL(/\/agents\/runs\/[0-9a-f-]+$/);
  }
  await expect(page.getByTestId('run-output')).toContainText('Score 56 (B)');
  await expect(page.getByTestId('run-facts')).toContainText('built-in');

  // Replay it with version 1: both outputs side by side.
  await page.getByLabel('Configuration').selectOption('1');
  await page.getByRole('button', { name: 'Replay' }).click();
  await expect(page.getByTestId('compared-run')).toContainText('Score 56 (B)');
  await expect(page.getByTestId('this-run')).toContainText('Score 49 (B)');

  // The prompt as a run would send it, rendered against the lead while it is typed.
  if (hydrated(info)) {
    await open(page, info, '/agents/prospector');
    const preview = page.getByTestId('prompt-preview');
    await expect(preview.getByTestId('prompt-preview-text')).toContainText('Ada Lovelace');
    await preview.getByLabel('Preview with').selectOption({ label: `Ada Lovelace${tag} (Lead)` });
    await page.getByTestId('prospector-form').getByLabel('Prompt', { exact: true }).fill('Who is {{ lead }}?');
    await expect(preview).toContainText(`As a run sends it, with Ada Lovelace${tag}:`);
    await expect(preview.getByTestId('prompt-preview-text')).toContainText('Who is <data name="lead">');
    await expect(preview.getByTestId('prompt-preview-text')).toContainText(`Lovelace${tag}`);
    await page.getByTestId('prospector-form').getByLabel('Prompt', { exact: true }).fill('Who is {{ nobody }}?');
    await expect(preview.getByRole('alert')).toContainText('uses a variable that does not exist');
  }
});

test('the pipeline analyst: three forecasts with their record, stages, risks and a summary', async ({ page }, info) => {
  const tag = `${info.project.name}${Date.now()}`;
  await open(page, info, '/sign-up');
  await page.getByLabel('Your name').fill('Ari Analyst');
  await page.getByLabel('Work email').fill(uniqueEmail(info, 'analyst'));
  await page.getByLabel('Password').fill('long enough password');
  await page.getByLabel('Organisation').fill(`Analyst ${tag}`);
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await expect(page.getByTestId('tenant-name')).toBeVisible();

  await open(page, info, '/agents');
  await page.getByTestId('agent-card-pipeline_analyst').getByRole('link', { name: 'Report and settings' }).click();
  await expect(page.getByTestId('forecasts')).toContainText('Forecast for');
  await expect(page.getByTestId('forecast-weighted')).toContainText('No past quarter to check it against yet.');
  await expect(page.getByTestId('stage-stats')).toBeVisible();
  await expect(page.getByTestId('deal-risks')).toContainText('No open deal needs attention.');

  // A threshold out of range is named; a good one is a new version.
  const form = page.getByTestId('analyst-form');
  await form.getByLabel('Quiet for (days)').fill('0');
  await form.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(form.getByText('Must be 1 to 365 days.')).toBeVisible();
  await form.getByLabel('Quiet for (days)').fill('21');
  await form.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(page.getByTestId('analyst-versions')).toContainText('risks.quiet_days: 14 → 21');

  await page.getByRole('button', { name: 'Write the summary' }).click();
  if (hydrated(info)) {
    await expect(page.getByTestId('analyst-summary')).toContainText('weighted');
  } else {
    await expect(page.getByTestId('run-output')).toContainText('weighted');
  }

  // The same summary every Monday, and the Qualifier over every open lead now.
  await open(page, info, '/agents');
  const analyst = page.getByTestId('card-automation-pipeline_analyst');
  await analyst.locator('summary').click();
  await analyst.getByLabel('Run on a schedule').selectOption('weekly');
  await analyst.getByRole('button', { name: 'Save the automation' }).click();
  await expect(page.getByTestId('card-automation-pipeline_analyst').getByTestId('automation-summary'))
    .toContainText('Every Monday over the whole pipeline');
  const qualifier = page.getByTestId('bulk-start-qualifier');
  await qualifier.getByLabel('Run now over').selectOption('open_leads');
  await qualifier.getByRole('button', { name: 'Start' }).click();
  const bulk = page.getByTestId('card-automation-qualifier').getByTestId('bulk-run');
  await expect(async () => {
    if (!hydrated(info)) await page.reload();
    await expect(bulk.getByTestId('bulk-run-state')).toHaveText('Finished', { timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await expect(bulk).toContainText('Bulk run over every open lead');
});

test('the qualifier: BANT read from a note with its evidence, a verdict, an override kept and cleared, MEDDPICC', async ({ page }, info) => {
  const tag = `${info.project.name}${Date.now()}`;
  await open(page, info, '/sign-up');
  await page.getByLabel('Your name').fill('Quinn Qualifier');
  await page.getByLabel('Work email').fill(uniqueEmail(info, 'qualifier'));
  await page.getByLabel('Password').fill('long enough password');
  await page.getByLabel('Organisation').fill(`Qualifier ${tag}`);
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await expect(page.getByTestId('tenant-name')).toBeVisible();

  await open(page, info, '/leads/new');
  await page.getByLabel('First name').fill('Grace');
  await page.getByLabel('Last name').fill(`Hopper${tag}`);
  await page.getByRole('button', { name: 'Create lead' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Grace Hopper${tag}` })).toBeVisible();
  const panel = page.getByTestId('qualification');
  await expect(panel.getByTestId('verdict')).toHaveText('Nurture');
  await expect(panel.getByTestId('next-questions')).toContainText('Is there budget set aside');

  const log = page.getByTestId('log-activity');
  await log.getByLabel('Subject').fill('Discovery call');
  await log.getByLabel('Notes').fill('Budget approved: 40k. She is the decision maker. Reps waste hours on manual reports. Go-live by March.');
  await page.getByRole('button', { name: 'Log activity' }).click();
  await expect(panel.getByTestId('verdict')).toHaveText('Qualified');
  const budget = panel.getByTestId('criterion-budget');
  await expect(budget.getByTestId('criterion-state')).toHaveText('Confirmed');
  await expect(budget.getByTestId('criterion-evidence')).toContainText('Budget approved: 40k.');
  await expect(budget).toContainText('Rules, 85% sure');

  // A rep's ruling wins, is shown with its reason, and can be handed back.
  // Each save reads the page's data again and renders it anew: open the form once that is done.
  const openOverride = async () => {
    await page.waitForLoadState('networkidle');
    await expect(async () => {
      if (!(await budget.locator('details').evaluate((d) => (d as HTMLDetailsElement).open))) {
        await budget.locator('summary').click();
      }
      await expect(budget.getByLabel('State')).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 15_000 });
  };
  await openOverride();
  await budget.getByLabel('State').selectOption('negative');
  await budget.getByLabel('Why (kept with it)').fill('The CFO pulled the money');
  await budget.getByRole('button', { name: 'Apply override' }).click();
  await expect(panel.getByTestId('verdict')).toHaveText('Disqualified');
  await expect(budget).toContainText('Set by Quinn Qualifier');
  await expect(budget).toContainText('Why: The CFO pulled the money');
  await expect(panel.getByTestId('verdict-reasons')).toContainText('Budget is negative');
  await openOverride();
  await budget.getByLabel('State').selectOption('cleared');
  await budget.getByRole('button', { name: 'Apply override' }).click();
  await expect(panel.getByTestId('verdict')).toHaveText('Qualified');

  // MEDDPICC on the settings page: a wrong number is named, a right one is a new version.
  await open(page, info, '/agents');
  await page.getByTestId('agent-card-qualifier').getByRole('link').click();
  await expect(page.getByTestId('qualifier-version')).toContainText('Version 1 in use');
  const form = page.getByTestId('qualifier-form');
  await form.getByLabel('Framework').selectOption('meddpicc');
  await form.getByLabel('Deal breakers (negative disqualifies)').fill('identify_pain');
  await form.getByLabel('Confirmed criteria to qualify').fill('9');
  await form.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(form.getByText('Must be 1 to 8')).toBeVisible();
  // The form shows the saved settings again: fill it once more.
  await form.getByLabel('Framework').selectOption('meddpicc');
  await form.getByLabel('Deal breakers (negative disqualifies)').fill('identify_pain');
  await form.getByLabel('Confirmed criteria to qualify').fill('5');
  await form.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(page.getByTestId('qualifier-version')).toContainText('Version 2 in use');
  await expect(page.getByTestId('qualifier-versions')).toContainText('framework: "bant" → "meddpicc"');
});
