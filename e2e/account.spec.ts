// The account page in one story: a password change signs out the other sessions, and
// the list of sessions can sign one out. New recovery codes replace the old ones. A key
// change that the user starts keeps the old key working until the new one is confirmed.

import { expect, test } from '@playwright/test';
import { Authenticator } from './authenticator';
import { expectAccessible } from './axe';
import { type GatehouseServer, startGatehouse } from './gatehouse-server';
import {
  enroll,
  openFromNavigation,
  openTab,
  prepareScreenshots,
  readKey,
  readRecoveryCodes,
  screenshot,
  signIn,
  signInWithCode,
  signInWithRecoveryCode,
  type Tab,
} from './helpers';

const ORGANIZATION = 'Account Test';
const OWNER = { email: 'owner@account.test', password: 'owner-password-321' };
const NEW_PASSWORD = 'granite-lantern-9174';
const SESSION_ENDED_NOTICE = 'Your session has ended. Sign in again.';

let server: GatehouseServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startGatehouse({
    organization: ORGANIZATION,
    adminEmail: OWNER.email,
    adminPassword: OWNER.password,
  });
  await prepareScreenshots();
});

test.afterAll(async ({}, testInfo) => {
  if (!server) return;
  if (testInfo.status !== testInfo.expectedStatus) console.log(`Gatehouse server output:\n${server.output()}`);
  await server.stop();
});

test('account page from password to own key', async ({ browser }) => {
  const phone = new Authenticator();
  const tabs: Tab[] = [];
  const newTab = async () => {
    const tab = await openTab(browser, server.baseURL);
    tabs.push(tab);
    return tab.page;
  };

  // The owner sets up a first key and opens the account page from the header.
  const page = await newTab();
  await signIn(page, OWNER.email, OWNER.password);
  await expect(page).toHaveURL(/\/enroll$/);
  const oldKey = await readKey(page);
  const firstRecoveryCodes = await enroll(page, phone, oldKey);
  await openFromNavigation(page, 'Account');
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
  const profile = page.getByTestId('profile');
  await expect(profile).toContainText(OWNER.email);
  await expect(profile).toContainText('Administrator');
  await expect(profile).toContainText(ORGANIZATION);
  const sessions = page.getByRole('region', { name: 'Sessions' });
  await expect(sessions.getByTestId('session')).toHaveCount(1);
  await expect(sessions.getByTestId('session')).toContainText('This browser');
  await expect(sessions.getByTestId('session')).toContainText('Chrome on Linux');
  await screenshot(page, 'account');
  await expectAccessible(page, 'account');

  // A second browser signs in; the account page lists it, marked as not the current one.
  const second = await newTab();
  await signInWithRecoveryCode(second, OWNER.email, OWNER.password, firstRecoveryCodes[0]);
  await expect(second).toHaveURL(/\/$/);
  await page.reload();
  await expect(sessions.getByTestId('session')).toHaveCount(2);
  await expect(sessions.locator('[data-testid="session"][data-current="true"]')).toHaveCount(1);

  // Password change: a wrong current password, a weak new one and a typo are rejected.
  const passwordForm = page.getByRole('region', { name: 'Password' });
  await passwordForm.getByLabel('Current password').fill('not-the-password');
  await passwordForm.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await passwordForm.getByLabel('Confirm new password').fill(NEW_PASSWORD);
  await passwordForm.getByRole('button', { name: 'Change password' }).click();
  await expect(passwordForm.getByRole('alert')).toHaveText('The current password is incorrect.');
  // The 401 of a wrong current password does not end this session.
  await expect(page).toHaveURL(/\/account$/);

  await passwordForm.getByLabel('Current password').fill(OWNER.password);
  await passwordForm.getByLabel('New password', { exact: true }).fill('password1234');
  await passwordForm.getByLabel('Confirm new password').fill('password1234');
  await passwordForm.getByRole('button', { name: 'Change password' }).click();
  await expect(passwordForm.getByRole('alert')).toContainText('too easy to guess');

  await passwordForm.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await passwordForm.getByLabel('Confirm new password').fill(`${NEW_PASSWORD}x`);
  await passwordForm.getByRole('button', { name: 'Change password' }).click();
  await expect(passwordForm.getByRole('alert')).toHaveText('The two passwords differ.');

  await passwordForm.getByLabel('Confirm new password').fill(NEW_PASSWORD);
  await passwordForm.getByRole('button', { name: 'Change password' }).click();
  await expect(passwordForm.getByRole('status')).toHaveText('Your password was changed. Your other sessions were signed out.');
  await expect(sessions.getByTestId('session')).toHaveCount(1);

  // The other browser's session ended, and its tab notices within a poll.
  await expect(second).toHaveURL(/\/login$/, { timeout: 30_000 });
  await expect(second.getByText(SESSION_ENDED_NOTICE)).toBeVisible();

  // The old password no longer works; the new one does. The account page signs that session out.
  await signIn(second, OWNER.email, OWNER.password);
  await expect(second.getByRole('alert')).toBeVisible();
  await signInWithRecoveryCode(second, OWNER.email, NEW_PASSWORD, firstRecoveryCodes[1]);
  await expect(second).toHaveURL(/\/$/);
  await page.reload();
  await expect(sessions.getByTestId('session')).toHaveCount(2);
  const otherSession = sessions.locator('[data-testid="session"][data-current="false"]');
  await otherSession.getByRole('button', { name: /^Sign out/ }).click();
  await expect(sessions.getByRole('status')).toHaveText('The session was signed out.');
  await expect(sessions.getByTestId('session')).toHaveCount(1);
  await expect(second).toHaveURL(/\/login$/, { timeout: 30_000 });
  await expect(second.getByText(SESSION_ENDED_NOTICE)).toBeVisible();

  // New recovery codes need a current code; they are shown once and replace the old ones.
  const recovery = page.getByRole('region', { name: 'Recovery codes' });
  await recovery.getByLabel('Current code from your app').fill(await phone.code(oldKey));
  await recovery.getByRole('button', { name: 'Get new recovery codes' }).click();
  await expect(recovery.getByText('These are your new recovery codes.')).toBeVisible();
  const newRecoveryCodes = await readRecoveryCodes(recovery);
  expect(newRecoveryCodes).not.toContain(firstRecoveryCodes[2]);
  await expectAccessible(page, 'account with new recovery codes');
  await recovery.getByRole('button', { name: 'I have saved these codes' }).click();
  await expect(recovery.getByTestId('recovery-codes')).toHaveCount(0);

  await signInWithRecoveryCode(second, OWNER.email, NEW_PASSWORD, firstRecoveryCodes[2]);
  await expect(second.getByRole('alert')).toBeVisible();
  await expect(second).toHaveURL(/\/login\/code$/);
  await second.getByLabel('Recovery code').fill(newRecoveryCodes[0]);
  await second.getByRole('button', { name: 'Verify' }).click();
  await expect(second).toHaveURL(/\/$/);

  // Own key change: a current code starts it, and enrolment shows the new key.
  const keySection = page.getByRole('region', { name: 'Authenticator key' });
  await keySection.getByLabel('Current code from your app').fill(await phone.code(oldKey));
  await keySection.getByRole('button', { name: 'Create a new key' }).click();
  await expect(page).toHaveURL(/\/enroll$/);
  await expect(page.getByText('Your current key keeps working until you confirm this new one.')).toBeVisible();
  await expect(page.getByText('delete the old Gatehouse entry from your authenticator app. Its codes no longer work')).toHaveCount(0);
  const newKey = await readKey(page);
  expect(newKey).not.toBe(oldKey);

  // Until the new key is confirmed, the old key still signs in, and the account page points to the waiting key.
  const third = await newTab();
  await signInWithCode(third, OWNER.email, NEW_PASSWORD, phone, oldKey);
  await openFromNavigation(third, 'Account');
  await expect(third.getByText('A new key is waiting for you to set it up.')).toBeVisible();

  // A code of the key still in use does not confirm the new one, and the server's error
  // names where it comes from.
  await page.getByLabel('Code from the app').fill(phone.currentCode(oldKey));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('alert')).toContainText('That code comes from your previous key');

  // A code of the new key from a phone whose clock is 90 seconds ahead gets the clock sentence.
  await page.getByLabel('Code from the app').fill(phone.codeAt(newKey, 3));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('alert')).toContainText('not from the current moment');
  await expect(page.getByRole('alert')).toContainText('about 90 seconds ahead');

  // A code one step ahead is accepted, with the clock warning beside the recovery codes.
  await page.getByLabel('Code from the app').fill(await phone.skewedCode(newKey, 1));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: "Your phone's clock looks about 30 seconds ahead." })).toBeVisible();
  await readRecoveryCodes(page);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await expect(page).toHaveURL(/\/account$/);

  // The confirmation is a new notification, counted in the header.
  await expect(page.getByTestId('unread-count')).toBeVisible();

  // From now on only the new key works.
  const fourth = await newTab();
  await signIn(fourth, OWNER.email, NEW_PASSWORD);
  await expect(fourth).toHaveURL(/\/login\/code$/);
  await fourth.getByLabel('Code').fill(phone.currentCode(oldKey));
  await fourth.getByRole('button', { name: 'Verify' }).click();
  await expect(fourth.getByRole('alert')).toBeVisible();
  await fourth.getByLabel('Code').fill(await phone.code(newKey));
  await fourth.getByRole('button', { name: 'Verify' }).click();
  await expect(fourth).toHaveURL(/\/$/);

  for (const tab of tabs) {
    expect(tab.problems, 'CSP violations and uncaught errors').toEqual([]);
    await tab.context.close();
  }
});
