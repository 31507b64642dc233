// The story Gatehouse exists for: an admin generates a new key for a member, the
// member's open session ends, the member sets up the new key at the next sign-in,
// and from then on only the new key works. Runs against the real server binary.

import { expect, test } from '@playwright/test';
import { Authenticator } from './authenticator';
import { expectAccessible } from './axe';
import { type GatehouseServer, startGatehouse } from './gatehouse-server';
import { enroll, openTab, prepareScreenshots, readKey, screenshot, signIn } from './helpers';

const ORGANIZATION = 'Acme Test';
const ADMIN = { email: 'admin@acme.test', password: 'admin-password-123' };
const MEMBER = { email: 'member@acme.test', name: 'Mia Member' };
const SESSION_ENDED_NOTICE = 'Your session has ended. Sign in again.';

let server: GatehouseServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startGatehouse({
    organization: ORGANIZATION,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
  });
  await prepareScreenshots();
});

test.afterAll(async ({}, testInfo) => {
  if (!server) return;
  if (testInfo.status !== testInfo.expectedStatus) console.log(`Gatehouse server output:\n${server.output()}`);
  await server.stop();
});

test('generate new key for a member', async ({ browser }) => {
  const phone = new Authenticator();

  // The admin signs in for the first time and must set up two-step verification.
  const admin = await openTab(browser, server.baseURL);
  const adminPage = admin.page;
  const loginResponse = await adminPage.goto('/login');
  expect.soft(loginResponse?.headers()['content-security-policy'] ?? '', 'CSP header of index.html').toContain(
    "script-src 'self'",
  );
  await screenshot(adminPage, 'sign-in');
  await expectAccessible(adminPage, 'sign-in');
  await signIn(adminPage, ADMIN.email, ADMIN.password);
  await expect(adminPage).toHaveURL(/\/enroll$/);
  await expect(adminPage.getByRole('img', { name: /QR code/ })).toBeVisible();
  await expectAccessible(adminPage, 'enrolment');
  const adminKey = await readKey(adminPage);
  await enroll(adminPage, phone, adminKey, {
    onRecoveryCodes: async (page) => {
      await screenshot(page, 'recovery-codes');
      await expectAccessible(page, 'recovery codes');
    },
  });
  await expect(adminPage.getByText(`Signed in as`)).toContainText(ADMIN.email);
  await expect(adminPage.getByRole('banner')).toContainText(ORGANIZATION);

  // The admin creates a member in Organisation → Users.
  await adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(adminPage).toHaveURL(/\/org\/users$/);
  await expect(adminPage.getByRole('cell', { name: ADMIN.email })).toBeVisible();
  await adminPage.getByRole('button', { name: 'New user' }).click();
  const newUserForm = adminPage.getByRole('form', { name: 'New user' });
  await newUserForm.getByLabel('Email', { exact: true }).fill(MEMBER.email);
  await newUserForm.getByLabel('Name', { exact: true }).fill(MEMBER.name);
  await newUserForm.getByLabel('Role').selectOption('member');
  await newUserForm.getByLabel('Temporary password').check();
  await newUserForm.getByRole('button', { name: 'Create user' }).click();
  await expect(adminPage.getByText(`User ${MEMBER.email} was created.`)).toBeVisible();
  // The browser generated the member's password; the admin reads it off the page once.
  const memberPassword = (await adminPage.getByTestId('temporary-password').textContent()) ?? '';
  expect(memberPassword).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
  await adminPage.getByRole('button', { name: 'Done' }).click();
  const memberRow = adminPage.getByRole('row').filter({ hasText: MEMBER.email });
  await expect(memberRow).toContainText('Member');
  await expect(memberRow).toContainText('Off');
  await screenshot(adminPage, 'users-list');
  await expectAccessible(adminPage, 'users list');

  // The search box filters the list.
  await adminPage.getByLabel('Search by name or email').fill('mia');
  await expect(adminPage.getByRole('cell', { name: ADMIN.email })).toBeHidden();
  await expect(adminPage.getByRole('cell', { name: MEMBER.email })).toBeVisible();

  // The member signs in in a second browser, sets up a first key and lands on home.
  const member = await openTab(browser, server.baseURL);
  const memberPage = member.page;
  await signIn(memberPage, MEMBER.email, memberPassword);
  await expect(memberPage).toHaveURL(/\/enroll$/);
  const oldKey = await readKey(memberPage);
  await enroll(memberPage, phone, oldKey);
  await expect(memberPage.getByText('Signed in as')).toContainText(MEMBER.email);
  // Members have no Users page in the navigation.
  await expect(memberPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toHaveCount(0);

  // The admin opens the member's page and generates a new key.
  await adminPage.getByRole('link', { name: MEMBER.name }).click();
  await expect(adminPage).toHaveURL(/\/org\/users\/\d+$/);
  await expect(adminPage.getByRole('heading', { name: MEMBER.name })).toBeVisible();
  await expect(adminPage.getByTestId('totp-status')).toHaveText('Active');
  await screenshot(adminPage, 'user-page');
  await expectAccessible(adminPage, 'user page');

  // The server requires step-up only when the admin's last code is over 10 minutes old. Here
  // the first request gets that 403, so the code prompt and the real step-up endpoint run
  // without the wait, and the retry after step-up reaches the server.
  const keyResetPath = '**/api/org/users/*/totp-key';
  let stepUpSent = false;
  await adminPage.route(keyResetPath, async (route) => {
    if (stepUpSent) return route.fallback();
    stepUpSent = true;
    await route.fulfill({ status: 403, json: { error: 'Enter a current code to continue.', step_up: true } });
  });
  await adminPage.getByRole('button', { name: 'Generate new key' }).click();
  const dialog = adminPage.getByRole('dialog', { name: 'Generate a new key?' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Reason (optional)').fill('Lost phone');
  await dialog.getByRole('button', { name: 'Generate new key' }).click();

  const stepUp = adminPage.getByRole('dialog', { name: 'Confirm it is you' });
  await expect(stepUp).toBeVisible();
  // A code of another key is rejected by the server, and the prompt stays open.
  await stepUp.getByLabel('Code').fill(phone.currentCode(oldKey));
  await stepUp.getByRole('button', { name: 'Continue' }).click();
  await expect(stepUp.getByRole('alert')).toBeVisible();
  await stepUp.getByLabel('Code').fill(await phone.code(adminKey));
  await stepUp.getByRole('button', { name: 'Continue' }).click();
  await expect(stepUp).toBeHidden();
  await adminPage.unroute(keyResetPath);

  await expect(adminPage.getByText('A new key is pending; the user will set it up at their next sign-in')).toBeVisible();
  await expect(adminPage.getByTestId('totp-status')).toHaveText('Pending');
  await expect(adminPage.getByTestId('pending-key-expiry')).toContainText('The new key waits to be set up until');
  await expect.soft(adminPage.getByRole('region', { name: 'Recent activity' })).toContainText('Lost phone');

  // The member's open tab notices through the session poll that the session ended.
  await expect(memberPage).toHaveURL(/\/login$/, { timeout: 30_000 });
  await expect(memberPage.getByText(SESSION_ENDED_NOTICE)).toBeVisible();

  // Signing in with the password leads straight to enrolment of the new key.
  await memberPage.getByLabel('Email', { exact: true }).fill(MEMBER.email);
  await memberPage.getByLabel('Password', { exact: true }).fill(memberPassword);
  await memberPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(memberPage).toHaveURL(/\/enroll$/);
  const enrollNotifications = memberPage.locator('.enroll-notifications .notification');
  await expect(enrollNotifications.first()).toBeVisible();
  await expect(enrollNotifications.first()).toContainText(/two-step/i);
  await expect(memberPage.getByText('delete the old Gatehouse entry')).toBeVisible();
  await expect(memberPage.getByRole('img', { name: /QR code/ })).toBeVisible();
  const newKey = await readKey(memberPage);
  expect(newKey).not.toBe(oldKey);
  await screenshot(memberPage, 'enrollment');
  await enroll(memberPage, phone, newKey);

  // Home lists the reset notification as unread until it is marked read.
  const unreadNotification = memberPage.locator('.notification.unread').first();
  await expect(unreadNotification).toBeVisible();
  await expect(memberPage.getByTestId('unread-count')).toBeVisible();
  await screenshot(memberPage, 'home');
  await expectAccessible(memberPage, 'home');
  const unreadBefore = await memberPage.locator('.notification.unread').count();
  await unreadNotification.getByRole('button', { name: 'Mark as read' }).click();
  await expect(memberPage.locator('.notification.unread')).toHaveCount(unreadBefore - 1);

  // In a third, fresh browser the old key is rejected and the new key works.
  const third = await openTab(browser, server.baseURL);
  const thirdPage = third.page;
  await signIn(thirdPage, MEMBER.email, memberPassword);
  await expect(thirdPage).toHaveURL(/\/login\/code$/);
  await screenshot(thirdPage, 'code');
  await expectAccessible(thirdPage, 'code');
  await thirdPage.getByLabel('Code').fill(phone.currentCode(oldKey));
  await thirdPage.getByRole('button', { name: 'Verify' }).click();
  await expect(thirdPage.getByRole('alert')).toBeVisible();
  await expect(thirdPage).toHaveURL(/\/login\/code$/);

  // The code is typed with a space in the middle, as apps display it.
  const newCode = await phone.code(newKey);
  await thirdPage.getByLabel('Code').fill(`${newCode.slice(0, 3)} ${newCode.slice(3)}`);
  await thirdPage.getByRole('button', { name: 'Verify' }).click();
  await expect(thirdPage).toHaveURL(/\/$/);
  await expect(thirdPage.getByText('Signed in as')).toContainText(MEMBER.email);

  // The users list on a phone-sized screen, for the responsive layout.
  await adminPage.setViewportSize({ width: 390, height: 844 });
  await adminPage.getByRole('link', { name: 'All users' }).click();
  await expect(adminPage.getByRole('cell', { name: MEMBER.email })).toBeVisible();
  await screenshot(adminPage, 'users-list-phone');

  for (const tab of [admin, member, third]) {
    expect(tab.problems, 'CSP violations and uncaught errors').toEqual([]);
    await tab.context.close();
  }
});
