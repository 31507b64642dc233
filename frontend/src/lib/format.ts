// Small pure helpers for what people type and read.

/** Splits a base32 key into groups of four characters, e.g. "JBSW Y3DP EHPK 3PXP", for typing it by hand. */
export function groupKey(secret: string): string {
  const compact = secret.replace(/\s+/g, '').toUpperCase();
  return (compact.match(/.{1,4}/g) ?? []).join(' ');
}

/** Removes the spaces and hyphens people type inside a one-time code ("123 456" becomes "123456"). */
export function normalizeCode(input: string): string {
  return input.replace(/[\s-]+/g, '');
}

/** Returns whether a normalized code is exactly six digits. */
export function isSixDigitCode(code: string): boolean {
  return /^\d{6}$/.test(code);
}

/** Returns the setup token from a URL fragment such as "#token=XYZ", or "" when there is none. */
export function tokenFromFragment(hash: string): string {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  return new URLSearchParams(fragment).get('token') ?? '';
}

/** Password length bounds of the API, in characters. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Returns whether a password length is within the API's bounds, counted in code points.
 * NOTE: the server may count bytes or UTF-16 units instead, which differs only for non-ASCII passwords.
 */
export function isPasswordLengthValid(password: string): boolean {
  const length = [...password].length;
  return length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH;
}

export interface UserAgentSummary {
  /** Browser name such as "Firefox", or null when the user agent names none that is known. */
  browser: string | null;
  /** Operating system such as "Android", or null when unknown. */
  os: string | null;
}

// Order matters: Edge and Opera also send "Chrome/", Chrome also sends "Safari/",
// iOS sends "like Mac OS X" and Android sends "Linux".
const BROWSER_PATTERNS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(HeadlessChrome|Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const OS_PATTERNS: [RegExp, string][] = [
  [/\bWindows\b/, 'Windows'],
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\b(Macintosh|Mac OS X)\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/** Names the browser and operating system of a User-Agent header, for the list of sessions. */
export function summarizeUserAgent(userAgent: string): UserAgentSummary {
  const browser = BROWSER_PATTERNS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null;
  const os = OS_PATTERNS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null;
  return { browser, os };
}
