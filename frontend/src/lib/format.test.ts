import { describe, expect, it } from 'vitest';
import { groupKey, isPasswordLengthValid, isSixDigitCode, normalizeCode, tokenFromFragment } from './format';

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
