import { describe, expect, it } from 'vitest';
import {
  groupKey,
  isPasswordLengthValid,
  isSixDigitCode,
  normalizeCode,
  summarizeUserAgent,
  tokenFromFragment,
} from './format';

describe('groupKey', () => {
  it('splits a key into groups of four', () => {
    expect(groupKey('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
  });

  it('leaves a shorter last group', () => {
    expect(groupKey('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });

  it('upper-cases and regroups an already spaced key', () => {
    expect(groupKey('ab cdef')).toBe('ABCD EF');
  });

  it('returns an empty string for an empty key', () => {
    expect(groupKey('')).toBe('');
  });
});

describe('normalizeCode', () => {
  it('removes a space in the middle', () => {
    expect(normalizeCode('123 456')).toBe('123456');
  });

  it('removes hyphens and surrounding whitespace', () => {
    expect(normalizeCode(' 123-456\t')).toBe('123456');
  });
});

describe('isSixDigitCode', () => {
  it('accepts six digits', () => {
    expect(isSixDigitCode('012345')).toBe(true);
  });

  it('rejects other lengths and characters', () => {
    expect(isSixDigitCode('12345')).toBe(false);
    expect(isSixDigitCode('1234567')).toBe(false);
    expect(isSixDigitCode('12345a')).toBe(false);
    expect(isSixDigitCode('123 456')).toBe(false);
  });
});

describe('tokenFromFragment', () => {
  it('reads the token from the setup link fragment', () => {
    expect(tokenFromFragment('#token=XYZ')).toBe('XYZ');
  });

  it('decodes percent-encoding', () => {
    expect(tokenFromFragment('#token=a%2Bb')).toBe('a+b');
  });

  it('returns an empty string without a token', () => {
    expect(tokenFromFragment('')).toBe('');
    expect(tokenFromFragment('#other=1')).toBe('');
  });
});

describe('isPasswordLengthValid', () => {
  it('accepts 10 to 256 characters', () => {
    expect(isPasswordLengthValid('a'.repeat(10))).toBe(true);
    expect(isPasswordLengthValid('a'.repeat(256))).toBe(true);
  });

  it('rejects 9 and 257 characters', () => {
    expect(isPasswordLengthValid('a'.repeat(9))).toBe(false);
    expect(isPasswordLengthValid('a'.repeat(257))).toBe(false);
  });

  it('counts an emoji as one character', () => {
    expect(isPasswordLengthValid('🔑'.repeat(10))).toBe(true);
  });
});

describe('summarizeUserAgent', () => {
  const cases: [string, string, string | null, string | null][] = [
    [
      'Chrome on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome',
      'Windows',
    ],
    [
      'Edge on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Edge',
      'Windows',
    ],
    [
      'Safari on iPhone',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari',
      'iOS',
    ],
    [
      'Firefox on macOS',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0',
      'Firefox',
      'macOS',
    ],
    [
      'Chrome on Android',
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      'Chrome',
      'Android',
    ],
    [
      'headless Chrome on Linux',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
      'Chrome',
      'Linux',
    ],
    ['a command-line client', 'curl/8.5.0', null, null],
    ['an empty header', '', null, null],
  ];

  for (const [name, userAgent, browser, os] of cases) {
    it(`recognises ${name}`, () => {
      const summary = summarizeUserAgent(userAgent);
      expect(summary.browser).toBe(browser);
      expect(summary.os).toBe(os);
    });
  }
});
