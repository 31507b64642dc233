// First run without `gatehouse setup`: the administrator opens the one-time link
// that the server logs, creates the organisation in the browser, and then uses
// the account screens (wrong password, last-admin guard, sign-out, recovery code).

import { expect, test } from '@playwright/test';
import { Authenticator } from './authenticator';
import { expectAccessible } from './axe';
import { type GatehouseServer, startGatehouse } from './gatehouse-server';
import { enroll, openFromNavigation, openTab, prepareScreenshots, readKey, screenshot, signIn } from './helpers';

const ADMIN = {
  organization: 'Web Org',
  name: 'Wendy Admin',
  email: 'wendy@web.test',
  password: 'wendy-password-789',
};

let server: GatehouseServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startGatehouse();
  await prepareScreenshots();
});

test.afterAll(async ({}, testInfo) => {
  if (!server) return;
  if (testInfo.status !== testInfo.expectedStatus) console.log(`Gatehouse server output:\n${server.output()}`);
  await server.stop();
});

test('first-run setup in the browser', async ({ browser }) => {
  const setupLink = server.setupLink();
  expect(setupLink, 'setup link in the server log').not.toBeNull();

  const tab = await openTab(browser, server.baseURL);
  const page = tab.page;

  // Before setup, the sign-in page points to the setup link.
  await page.goto('/login');
  await expect(page.getByText('Gatehouse is not set up yet.')).toBeVisible();

  // The link's token is read from the fragment and then removed from the address bar.
  await page.goto(setupLink as string);
  await expect(page.getByRole('heading', { name: 'Set up Gatehouse' })).toBeVisible();
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByLabel('Setup token')).toHaveCount(0);
  await page.getByLabel('Organisation name').fill(ADMIN.organization);
  await page.getByLabel('Your name').fill(ADMIN.name);
  await page.getByLabel('Email', { exact: true }).fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Confirm password').fill(`${ADMIN.password}x`);
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await expect(page.getByRole('alert')).toHaveText('The two passwords differ.');
  await page.getByLabel('Confirm password').fill(ADMIN.password);
  await screenshot(page, 'setup');
  await expectAccessible(page, 'setup');
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByText('Your organisation is ready.')).toBeVisible();
  await expect(page.getByText('Gatehouse is not set up yet.')).toHaveCount(0);

  // The link works once: opening it again reports that setup is done.
  const second = await openTab(browser, server.baseURL);
  await second.page.goto(setupLink as string);
  await expect(second.page.getByText('Gatehouse is already set up.')).toBeVisible();
  await second.context.close();

  // A wrong password shows the server's error and stays on sign-in.
  await signIn(page, ADMIN.email, 'not-the-password');
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);

  const phone = new Authenticator();
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/enroll$/);
  const recoveryCodes = await enroll(page, phone, await readKey(page));
  await expect(page.getByText('Signed in as')).toContainText(`${ADMIN.name} (${ADMIN.email})`);
  await expect(page.getByRole('banner')).toContainText(ADMIN.organization);

  // The only administrator cannot disable their own account: the server's 409 sentence shows.
  await openFromNavigation(page, 'Users');
  await page.getByRole('link', { name: ADMIN.name }).click();
  await expect(page.getByRole('heading', { name: ADMIN.name })).toBeVisible();
  await page.getByRole('button', { name: 'Disable account' }).click();
  const confirm = page.getByRole('dialog', { name: `Disable ${ADMIN.name}'s account?` });
  await confirm.getByRole('button', { name: 'Disable account' }).click();
  await expect(page.getByRole('alert')).toContainText('last active administrator');
  await expect(page.getByRole('button', { name: 'Disable account' })).toBeVisible();

  // Signing out returns to sign-in with a notice.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByText('You have signed out.')).toBeVisible();

  // A recovery code replaces the authenticator code once.
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/login\/code$/);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/login\/code$/);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/login\/code$/);

  expect(tab.problems, 'CSP violations and uncaught errors').toEqual([]);
  await tab.context.close();
});
