// Languages and themes: Spanish chosen from the browser's language, the footer switch
// and its remembered choice, the dark theme that follows the system setting, and
// sign-in and enrolment with the keyboard alone.

import { expect, test } from '@playwright/test';
import { Authenticator } from './authenticator';
import { expectAccessible } from './axe';
import { type GatehouseServer, startGatehouse } from './gatehouse-server';
import { openFromNavigation, openTab, prepareScreenshots, readKey, screenshot, signInWithCode, type Tab } from './helpers';

const ORGANIZATION = 'Idiomas Test';
const ADMIN = { email: 'lola@idiomas.test', password: 'lola-password-2468' };

let server: GatehouseServer;
const phone = new Authenticator();
// The admin's key, set up by the first test; the later tests sign in with it.
let adminKey = '';

test.describe.configure({ mode: 'serial' });

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

function expectNoProblems(tab: Tab): void {
  expect(tab.problems, 'CSP violations and uncaught errors').toEqual([]);
}

test('keyboard-only sign-in and enrolment', async ({ browser }) => {
  const tab = await openTab(browser, server.baseURL);
  const page = tab.page;
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // Tab order: the skip link, email, password, the submit button.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Email', { exact: true })).toBeFocused();
  await page.keyboard.type(ADMIN.email);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeFocused();
  await page.keyboard.press('Enter');

  // After a navigation the new page's heading has focus, so the next Tab reaches its content.
  await expect(page).toHaveURL(/\/enroll$/);
  await expect(page.getByRole('heading', { name: 'Set up two-step verification' })).toBeFocused();
  adminKey = await readKey(page);
  const codeField = page.getByLabel('Code from the app');
  await expect(codeField).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(codeField).toHaveAttribute('inputmode', 'numeric');
  for (let presses = 0; presses < 10; presses++) {
    await page.keyboard.press('Tab');
    if (await codeField.evaluate((element) => element === document.activeElement)) break;
  }
  await expect(codeField).toBeFocused();
  await page.keyboard.type(await phone.code(adminKey));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeFocused();
  await page.getByRole('button', { name: 'I have saved these codes' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/$/);

  // The skip link moves focus past the header to the page's content.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Home' })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  // A confirmation dialog takes focus and Escape closes it without acting.
  await openFromNavigation(page, 'Users');
  await page.getByRole('link', { name: 'lola', exact: true }).click();
  await page.getByRole('button', { name: 'Delete user' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Delete lola?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Delete user' })).toBeFocused();
  await expect(page.getByRole('alert')).toHaveCount(0);

  expectNoProblems(tab);
  await tab.context.close();
});

test('Spanish from the browser language', async ({ browser }) => {
  const tab = await openTab(browser, server.baseURL, { locale: 'es-ES' });
  const page = tab.page;
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Iniciar sesión' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page).toHaveTitle('Iniciar sesión · Gatehouse');
  await expect(page.getByLabel('Idioma')).toHaveValue('es');
  await expectAccessible(page, 'sign-in in Spanish');
  await screenshot(page, 'sign-in-es');

  // The server's error sentences follow the interface language too.
  await page.getByLabel('Correo electrónico').fill(ADMIN.email);
  await page.getByLabel('Contraseña', { exact: true }).fill('not-the-password-1357');
  await page.getByRole('button', { name: 'Iniciar sesión' }).click();
  await expect(page.getByRole('alert')).toContainText(
    'El correo electrónico o la contraseña no son correctos.',
  );

  // Signing in and the account page, in Spanish.
  await page.getByLabel('Correo electrónico').fill(ADMIN.email);
  await page.getByLabel('Contraseña', { exact: true }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Iniciar sesión' }).click();
  await expect(page.getByRole('heading', { name: 'Verificación en dos pasos' })).toBeVisible();
  await page.getByLabel('Código', { exact: true }).fill(await phone.code(adminKey));
  await page.getByRole('button', { name: 'Verificar' }).click();
  await expect(page.getByRole('heading', { name: 'Inicio' })).toBeVisible();
  await expect(page.getByText('Has iniciado sesión como')).toBeVisible();
  await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Cuenta' }).click();
  await expect(page.getByRole('heading', { name: 'Tu cuenta', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Sesiones' })).toContainText('Este navegador');
  await expect(page.getByRole('button', { name: 'Cambiar contraseña' })).toBeVisible();
  await expectAccessible(page, 'account in Spanish');

  // The switch changes the language in place, and the choice outlasts a reload.
  await page.getByLabel('Idioma').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page).toHaveTitle('Your account · Gatehouse');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Language')).toHaveValue('en');
  await page.getByLabel('Language').selectOption('es');
  await expect(page.getByRole('heading', { name: 'Tu cuenta', level: 1 })).toBeVisible();

  // Notifications are rendered in the reader's language when they are read.
  await page.getByRole('link', { name: /^Notificaciones/ }).click();
  await expect(page.getByRole('main')).toContainText(
    'La verificación en dos pasos está configurada en tu cuenta.',
  );

  expectNoProblems(tab);
  await tab.context.close();
});

test('dark theme follows the system', async ({ browser }) => {
  const tab = await openTab(browser, server.baseURL, { colorScheme: 'dark' });
  const page = tab.page;
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(background).toBe('rgb(20, 23, 28)');
  await expectAccessible(page, 'sign-in in the dark theme');
  await screenshot(page, 'sign-in-dark');

  await signInWithCode(page, ADMIN.email, ADMIN.password, phone, adminKey);
  await expectAccessible(page, 'home in the dark theme');
  await openFromNavigation(page, 'Account');
  await expect(page.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
  await expectAccessible(page, 'account in the dark theme');
  await openFromNavigation(page, 'Users');
  await expect(page.getByRole('cell', { name: ADMIN.email })).toBeVisible();
  await expectAccessible(page, 'users list in the dark theme');

  // The same page switches to the light theme when the system setting changes.
  await page.emulateMedia({ colorScheme: 'light' });
  const lightBackground = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(lightBackground).toBe('rgb(244, 245, 247)');

  expectNoProblems(tab);
  await tab.context.close();
});
