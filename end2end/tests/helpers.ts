import { expect, Page, TestInfo } from '@playwright/test';

export const DEMO_OWNER = { email: 'demo@acme.example', password: 'demo-password', name: 'Dana Demo' };
export const DEMO_REP = { email: 'rep@acme.example', password: 'demo-password', name: 'Riley Rep' };
export const DEMO_TENANT = 'Acme Robotics (demo)';

export const hydrated = (info: TestInfo) => info.project.name === 'hydrated';

/** Opens `path` and, in the hydrated project, waits until the WASM app has taken over. */
export async function open(page: Page, info: TestInfo, path: string) {
  await page.goto(path);
  if (hydrated(info)) {
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  }
}

export async function signIn(page: Page, info: TestInfo, who: { email: string; password: string }) {
  await open(page, info, '/sign-in');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('tenant-name')).toBeVisible();
  if (hydrated(info)) {
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 30_000 });
  }
}

export async function signOut(page: Page) {
  await page.getByTestId('user-menu').locator('summary').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

/** A unique e-mail per test run and project, so reruns never collide. */
export function uniqueEmail(info: TestInfo, tag: string) {
  return `${tag}-${info.project.name}-${Date.now()}@example.com`;
}
