// The admin console in one story. It covers organisation settings, new users by
// invitation link and by temporary password, and the users list's search, filters and
// pages. On a user's page it runs each action behind its confirmation dialog, with the
// last-admin guard, and checks the audit events. A reset with a reason ends in a
// "This wasn't me" report that reaches the admins.

import { type Page, expect, test } from '@playwright/test';
import { Authenticator } from './authenticator';
import { expectAccessible } from './axe';
import { type GatehouseServer, startGatehouse } from './gatehouse-server';
import {
  enroll,
  openFromNavigation,
  openTab,
  prepareScreenshots,
  readKey,
  screenshot,
  signIn,
  type Tab,
} from './helpers';

const ORGANIZATION = 'Admin Test';
const RENAMED_ORGANIZATION = 'Admin Test Renamed';
const ADMIN = { email: 'ada@admin.test', password: 'ada-password-5678' };
const INVITEE = { email: 'bea@admin.test', name: 'Bea Admin', password: 'bea-harbour-lantern-42' };
const MEMBER = { email: 'carl@admin.test', name: 'Carl Member' };
const EXTRA_USERS = 10;
const RESET_REASON = 'Phone replaced';
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

/** Opens the new user form on the users page, fills it and submits it. */
async function createUser(
  page: Page,
  user: { email: string; name: string },
  role: 'admin' | 'member',
  method: 'Invitation link' | 'Temporary password',
): Promise<void> {
  await page.getByRole('button', { name: 'New user' }).click();
  const form = page.getByRole('form', { name: 'New user' });
  await form.getByLabel('Email', { exact: true }).fill(user.email);
  await form.getByLabel('Name', { exact: true }).fill(user.name);
  await form.getByLabel('Role').selectOption(role);
  await form.getByLabel(method).check();
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByTestId('created-user')).toContainText(`User ${user.email} was created.`);
}

/** Opens a user's page from the users list, searching for them first. */
async function openUser(page: Page, name: string): Promise<void> {
  await openFromNavigation(page, 'Users');
  await page.getByLabel('Search by name or email').fill(name);
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

/** Clicks an action button on a user's page and confirms the action in its dialog. */
async function confirmAction(page: Page, button: string, dialogTitle: string, confirmLabel = button): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: dialogTitle });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: confirmLabel, exact: true }).click();
  await expect(dialog).toBeHidden();
}

test('admin console from settings to a reported reset', async ({ browser }) => {
  const phone = new Authenticator();
  const tabs: Tab[] = [];
  const newTab = async (permissions: string[] = []) => {
    const tab = await openTab(browser, server.baseURL, { permissions });
    tabs.push(tab);
    return tab.page;
  };

  // The admin sets up a key. The admin's browser may use the clipboard, for the copy buttons.
  const admin = await newTab(['clipboard-read', 'clipboard-write']);
  await signIn(admin, ADMIN.email, ADMIN.password);
  const adminKey = await readKey(admin);
  await enroll(admin, phone, adminKey);

  // Organisation settings: an out-of-range window is rejected, and a rename shows in the header.
  await openFromNavigation(admin, 'Organisation');
  await expect(admin).toHaveURL(/\/org\/settings$/);
  await expect(admin.getByRole('heading', { name: 'Organisation settings' })).toBeVisible();
  await expect(admin.getByLabel('Organisation name')).toHaveValue(ORGANIZATION);
  await expect(admin.getByLabel('Everyone')).toBeChecked();
  await expect(admin.getByLabel('Hours to set up a new key')).toHaveValue('72');
  await screenshot(admin, 'organisation-settings');
  await expectAccessible(admin, 'organisation settings');

  await admin.getByLabel('Hours to set up a new key').fill('721');
  await admin.getByRole('button', { name: 'Save settings' }).click();
  await expect(admin.getByRole('alert')).toHaveText('Enter a whole number of hours from 1 to 720.');
  await admin.getByLabel('Organisation name').fill(RENAMED_ORGANIZATION);
  await admin.getByLabel('Hours to set up a new key').fill('48');
  await admin.getByLabel('Administrators only').check();
  await admin.getByRole('button', { name: 'Save settings' }).click();
  await expect(admin.getByRole('status')).toHaveText('The settings were saved.');
  await expect(admin.getByRole('banner')).toContainText(RENAMED_ORGANIZATION);

  // The settings are stored: a reload shows them. The policy goes back to everyone,
  // so the new users below must set up a key.
  await admin.reload();
  await expect(admin.getByLabel('Organisation name')).toHaveValue(RENAMED_ORGANIZATION);
  await expect(admin.getByLabel('Hours to set up a new key')).toHaveValue('48');
  await expect(admin.getByLabel('Administrators only')).toBeChecked();
  await admin.getByLabel('Everyone').check();
  await admin.getByRole('button', { name: 'Save settings' }).click();
  await expect(admin.getByRole('status')).toHaveText('The settings were saved.');

  // An invited administrator: the link is shown once, with a copy button.
  await openFromNavigation(admin, 'Users');
  await createUser(admin, INVITEE, 'admin', 'Invitation link');
  const invitationURL = (await admin.getByTestId('invitation-url').textContent()) ?? '';
  expect(invitationURL).toMatch(new RegExp(`^${server.baseURL}/invite#token=[A-Za-z0-9_-]+$`));
  await admin.getByRole('button', { name: 'Copy link' }).click();
  await expect(admin.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(invitationURL);
  await expectAccessible(admin, 'users list with an invitation link');
  await admin.getByRole('button', { name: 'Done' }).click();
  await expect(admin.getByTestId('invitation-url')).toHaveCount(0);

  // The invitee opens the link in a fresh browser, which drops the token from the address bar.
  const invitee = await newTab();
  await invitee.goto(invitationURL);
  await expect(invitee.getByRole('heading', { name: 'Accept your invitation' })).toBeVisible();
  await expect(invitee).toHaveURL(/\/invite$/);
  await expect(invitee.getByText(`Welcome, ${INVITEE.name}.`)).toBeVisible();
  await expect(invitee.getByLabel('Email')).toHaveValue(INVITEE.email);
  await screenshot(invitee, 'invitation');
  await expectAccessible(invitee, 'invitation');

  // A weak password gets the server's reason; a strong one leads to sign-in with the email filled in.
  await invitee.getByLabel('Password', { exact: true }).fill('password1234');
  await invitee.getByLabel('Confirm password').fill('password1234');
  await invitee.getByRole('button', { name: 'Set password' }).click();
  await expect(invitee.getByRole('alert')).toContainText('too easy to guess');
  await invitee.getByLabel('Password', { exact: true }).fill(INVITEE.password);
  await invitee.getByLabel('Confirm password').fill(INVITEE.password);
  await invitee.getByRole('button', { name: 'Set password' }).click();
  await expect(invitee).toHaveURL(/\/login$/);
  await expect(invitee.getByText('Your password is set.')).toBeVisible();
  await expect(invitee.getByLabel('Email', { exact: true })).toHaveValue(INVITEE.email);
  await invitee.getByLabel('Password', { exact: true }).fill(INVITEE.password);
  await invitee.getByRole('button', { name: 'Sign in' }).click();
  await expect(invitee).toHaveURL(/\/enroll$/);
  await enroll(invitee, phone, await readKey(invitee));
  await expect(invitee.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toBeVisible();

  // The link works once.
  const reopened = await newTab();
  await reopened.goto(invitationURL);
  await expect(reopened.getByRole('alert')).toContainText('This invitation link is not valid');

  // A member with a temporary password generated in the admin's browser.
  await createUser(admin, MEMBER, 'member', 'Temporary password');
  const temporaryPassword = (await admin.getByTestId('temporary-password').textContent()) ?? '';
  expect(temporaryPassword).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
  await admin.getByRole('button', { name: 'Copy password' }).click();
  expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(temporaryPassword);
  await admin.getByRole('button', { name: 'Done' }).click();
  await expect(admin.getByTestId('temporary-password')).toHaveCount(0);

  const member = await newTab();
  await signIn(member, MEMBER.email, temporaryPassword);
  await expect(member).toHaveURL(/\/enroll$/);
  const memberKey = await readKey(member);
  await enroll(member, phone, memberKey);

  // More invited users, created through the API, fill a second page of ten.
  const created = await admin.evaluate(async (count) => {
    const statuses: number[] = [];
    for (let index = 1; index <= count; index++) {
      const response = await fetch('/api/org/users', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: `extra${index}@admin.test`, name: `Extra ${index}`, role: 'member', invite: true }),
      });
      statuses.push(response.status);
    }
    return statuses;
  }, EXTRA_USERS);
  expect(created).toEqual(Array(EXTRA_USERS).fill(201));

  // Search, filters and pages of the users list.
  await admin.reload();
  const summary = admin.getByTestId('users-summary');
  await expect(summary).toHaveText('13 users · Page 1 of 1');
  await admin.getByLabel('Per page').selectOption('10');
  await expect(summary).toHaveText('13 users · Page 1 of 2');
  await expect(admin.getByRole('table').getByRole('row')).toHaveCount(11);
  await screenshot(admin, 'users-list-pages');
  await admin.getByRole('button', { name: 'Next' }).click();
  await expect(summary).toHaveText('13 users · Page 2 of 2');
  await expect(admin.getByRole('table').getByRole('row')).toHaveCount(4);
  await expect(admin).toHaveURL(/per_page=10/);
  await expect(admin).toHaveURL(/page=2/);

  await admin.getByRole('combobox', { name: 'Role', exact: true }).selectOption('admin');
  await expect(summary).toHaveText('2 users · Page 1 of 1');
  await expect(admin.getByRole('cell', { name: INVITEE.email })).toBeVisible();
  await expect(admin.getByRole('cell', { name: MEMBER.email })).toHaveCount(0);
  await admin.getByRole('combobox', { name: 'Role', exact: true }).selectOption('');

  await admin.getByLabel('Status').selectOption('off');
  await expect(summary).toHaveText(`${EXTRA_USERS} users · Page 1 of 1`);
  await admin.getByLabel('Status').selectOption('active');
  await expect(summary).toHaveText('3 users · Page 1 of 1');
  await admin.getByLabel('Status').selectOption('');

  await admin.getByLabel('Search by name or email').fill('carl');
  await expect(summary).toHaveText('1 user · Page 1 of 1');
  await expect(admin.getByRole('cell', { name: MEMBER.email })).toBeVisible();
  // Reloading keeps the search and filters, which live in the address.
  await admin.reload();
  await expect(admin.getByLabel('Search by name or email')).toHaveValue('carl');
  await expect(summary).toHaveText('1 user · Page 1 of 1');

  // The member's page: a role change needs confirmation, and Cancel changes nothing.
  await admin.getByRole('link', { name: MEMBER.name }).click();
  await expect(admin.getByRole('heading', { name: MEMBER.name, level: 1 })).toBeVisible();
  const activity = admin.getByRole('region', { name: 'Recent activity' });
  await expect(activity.locator('tr[data-action="user.created"]')).toHaveCount(1);
  await expect(activity.locator('tr[data-action="totp.enrolled"]')).toHaveCount(1);
  await expect(activity).toContainText('User created');

  await admin.getByRole('combobox', { name: 'Role', exact: true }).selectOption('admin');
  await admin.getByRole('button', { name: 'Change role' }).click();
  const roleDialog = admin.getByRole('dialog', { name: `Make ${MEMBER.name} an administrator?` });
  await expect(roleDialog).toBeVisible();
  await roleDialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(roleDialog).toBeHidden();
  const details = admin.locator('dl.details');
  await expect(details).toContainText('Member');
  await confirmAction(admin, 'Change role', `Make ${MEMBER.name} an administrator?`);
  await expect(admin.getByRole('status')).toHaveText('The role was changed.');
  await expect(details).toContainText('Administrator');
  await admin.getByRole('combobox', { name: 'Role', exact: true }).selectOption('member');
  await confirmAction(admin, 'Change role', `Make ${MEMBER.name} a member?`);
  await expect(details).toContainText('Member');

  // Disabling ends the member's session at once; enabling lets them back in.
  await confirmAction(admin, 'Disable account', `Disable ${MEMBER.name}'s account?`);
  await expect(admin.getByRole('status')).toHaveText('The account was disabled.');
  await expect(member).toHaveURL(/\/login$/, { timeout: 30_000 });
  await expect(member.getByText(SESSION_ENDED_NOTICE)).toBeVisible();
  await signIn(member, MEMBER.email, temporaryPassword);
  await expect(member.getByRole('alert')).toContainText('disabled');
  await confirmAction(admin, 'Enable account', `Enable ${MEMBER.name}'s account?`);
  await expect(admin.getByRole('status')).toHaveText('The account was enabled.');
  await screenshot(admin, 'user-page-activity');
  await expectAccessible(admin, 'user page');

  // Generate new key, with a reason. A step-up prompt appears only when the admin's last code is old.
  await admin.getByRole('button', { name: 'Generate new key' }).click();
  const resetDialog = admin.getByRole('dialog', { name: 'Generate a new key?' });
  await resetDialog.getByLabel('Reason (optional)').fill(RESET_REASON);
  await resetDialog.getByRole('button', { name: 'Generate new key' }).click();
  const resetDone = admin.getByText('A new key is pending; the user will set it up at their next sign-in.');
  const stepUp = admin.getByRole('dialog', { name: 'Confirm it is you' });
  await expect(resetDone.or(stepUp)).toBeVisible();
  if (await stepUp.isVisible()) {
    await stepUp.getByLabel('Code').fill(await phone.code(adminKey));
    await stepUp.getByRole('button', { name: 'Continue' }).click();
  }
  await expect(resetDone).toBeVisible();
  await expect(activity.locator('tr[data-action="totp.reset"]')).toContainText(RESET_REASON);
  await expect(activity.locator('tr[data-action="totp.reset"]')).toContainText('New key generated');
  await expect(activity.locator('tr[data-action="totp.reset"]')).toContainText(ADMIN.email);

  // The other admin gets an in-app notice of the reset.
  await invitee.goto('/');
  const inviteeNotices = invitee.getByRole('region', { name: 'Notifications' });
  await expect(inviteeNotices).toContainText(`generated a new two-step key for ${MEMBER.name} (${MEMBER.email}). Reason given: ${RESET_REASON}.`);
  await expect(invitee.getByTestId('unread-count')).toBeVisible();

  // The enrolment screen shows the member who generated the key, when and why, and the member reports it there.
  await signIn(member, MEMBER.email, temporaryPassword);
  await expect(member).toHaveURL(/\/enroll$/);
  const resetNotice = member.locator('.enroll-notifications .notification').filter({ hasText: 'generated by' });
  await expect(resetNotice).toContainText(ADMIN.email);
  await expect(resetNotice).toContainText(`Reason given: ${RESET_REASON}.`);
  await expectAccessible(member, 'enrolment after a reset');
  await resetNotice.getByRole('button', { name: "This wasn't me" }).click();
  await expect(resetNotice.getByRole('status')).toHaveText('You reported this change. Your administrators were alerted.');
  await expect(resetNotice.getByRole('button', { name: "This wasn't me" })).toHaveCount(0);

  // A code of the retired key gets the server's explanation, then the new key is set up.
  const newMemberKey = await readKey(member);
  expect(newMemberKey).not.toBe(memberKey);
  await member.getByLabel('Code from the app').fill(phone.currentCode(memberKey));
  await member.getByRole('button', { name: 'Confirm' }).click();
  await expect(member.getByRole('alert')).toContainText('That code comes from your previous key.');
  await enroll(member, phone, newMemberKey);

  // On home the notice shows that it was reported and offers no second report.
  const memberNotice = member.locator('.notification').filter({ hasText: 'generated by' });
  await expect(memberNotice.getByRole('status')).toHaveText('You reported this change. Your administrators were alerted.');
  await expect(memberNotice.getByRole('button', { name: "This wasn't me" })).toHaveCount(0);

  // Both admins get the report in their notifications, and it is in the member's activity.
  for (const page of [admin, invitee]) {
    await page.goto('/');
    await expect(page.getByRole('region', { name: 'Notifications' })).toContainText(
      `${MEMBER.name} (${MEMBER.email}) reported that they did not expect this change`,
    );
  }
  await openUser(admin, MEMBER.name);
  await expect(activity.locator('tr[data-action="totp.reset_reported"]')).toHaveCount(1);

  // The last active administrator cannot be demoted, disabled or deleted: the server's 409 sentence shows.
  await openUser(admin, INVITEE.name);
  await admin.getByRole('combobox', { name: 'Role', exact: true }).selectOption('member');
  await confirmAction(admin, 'Change role', `Make ${INVITEE.name} a member?`);
  await expect(admin.getByRole('status')).toHaveText('The role was changed.');
  // `gatehouse setup` without --name names the admin after the email's local part.
  await openUser(admin, 'ada');
  await confirmAction(admin, 'Disable account', "Disable ada's account?");
  await expect(admin.getByRole('alert')).toContainText("This is the organisation's last active administrator");
  await confirmAction(admin, 'Delete user', 'Delete ada?');
  await expect(admin.getByRole('alert')).toContainText("This is the organisation's last active administrator");

  // Deleting another user returns to the list, which no longer has them.
  await openUser(admin, 'Extra 1');
  await confirmAction(admin, 'Delete user', 'Delete Extra 1?');
  await expect(admin).toHaveURL(/\/org\/users$/);
  await expect(admin.getByRole('status')).toHaveText('User extra1@admin.test was deleted.');
  await admin.getByLabel('Search by name or email').fill('extra1@');
  await expect(admin.getByText('No users found.')).toBeVisible();

  for (const tab of tabs) {
    expect(tab.problems, 'CSP violations and uncaught errors').toEqual([]);
    await tab.context.close();
  }
});
