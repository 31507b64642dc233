// Page steps shared by the browser tests.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page, expect } from '@playwright/test';
import type { Authenticator } from './authenticator';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** Creates e2e/screenshots/, where the tests save pictures of the main screens. */
export async function prepareScreenshots(): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** CSP violations and uncaught errors seen in this tab. */
  problems: string[];
}

/** Opens a fresh browser context (its own cookies) with one page that records CSP violations. */
export async function openTab(
  browser: Browser,
  baseURL: string,
  options: Omit<BrowserContextOptions, 'baseURL'> = {},
): Promise<Tab> {
  const context = await browser.newContext({ ...options, baseURL });
  // Init scripts run outside the page's CSP, so the listener itself cannot cause a violation.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline content'}`);
    });
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /content security policy|CSP violation/i.test(text)) problems.push(text);
  });
  page.on('pageerror', (error) => problems.push(`uncaught error: ${error.message}`));
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Returns the enrolment key shown on the page, as the ungrouped base32 text in data-secret. */
export async function readKey(page: Page): Promise<string> {
  const key = page.getByTestId('totp-secret');
  await expect(key).toBeVisible();
  const secret = await key.getAttribute('data-secret');
  expect(secret, 'data-secret of the enrolment key').toMatch(/^[A-Z2-7]+=*$/);
  // The visible text is the same key in groups of four, for typing.
  expect((await key.textContent())?.replace(/\s+/g, '')).toBe(secret);
  return secret as string;
}

/** Returns the ten recovery codes listed on the page, or in one part of it. */
export async function readRecoveryCodes(scope: Page | Locator): Promise<string[]> {
  const codes = scope.getByTestId('recovery-codes').getByRole('listitem');
  await expect(codes).toHaveCount(10);
  return (await codes.allTextContents()).map((code) => code.trim());
}

export interface EnrollOptions {
  /** Runs on the recovery codes screen before it is left, for checks and screenshots. */
  onRecoveryCodes?: (page: Page) => Promise<void>;
  /** Path expected after the recovery codes screen: "/" unless the enrolment started from the account page. */
  landing?: RegExp;
}

/**
 * Confirms the key shown on the enrolment page, goes on past the recovery codes,
 * and returns those codes.
 */
export async function enroll(page: Page, phone: Authenticator, key: string, options: EnrollOptions = {}): Promise<string[]> {
  await page.getByLabel('Code from the app').fill(await phone.code(key));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  const recoveryCodes = await readRecoveryCodes(page);
  await options.onRecoveryCodes?.(page);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await expect(page).toHaveURL(options.landing ?? /\/$/);
  return recoveryCodes;
}

/** Signs in with the password and a code of `key`, and expects the home page. */
export async function signInWithCode(
  page: Page,
  email: string,
  password: string,
  phone: Authenticator,
  key: string,
): Promise<void> {
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/code$/);
  await page.getByLabel('Code').fill(await phone.code(key));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/$/);
}

/**
 * Signs in with the password and a recovery code. Tests use it for extra sessions,
 * because it spends no time step of the authenticator key.
 */
export async function signInWithRecoveryCode(page: Page, email: string, password: string, recoveryCode: string): Promise<void> {
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/code$/);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCode);
  await page.getByRole('button', { name: 'Verify' }).click();
}

/** Opens a page from the main navigation in the header. */
export async function openFromNavigation(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}
