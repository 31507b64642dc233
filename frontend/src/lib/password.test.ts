import { describe, expect, it } from 'vitest';
import { PASSWORD_ALPHABET, generatePassword } from './password';

describe('generatePassword', () => {
  it('returns four hyphenated groups of five alphabet characters', () => {
    const password = generatePassword();
    expect(password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{5}(-[a-km-zA-HJ-NP-Z2-9]{5}){3}$/);
  });

  it('returns a different password each time', () => {
    const passwords = new Set(Array.from({ length: 50 }, () => generatePassword()));
    expect(passwords.size).toBe(50);
  });

  it('leaves out characters that look alike', () => {
    for (const character of '0O1lI') {
      expect(PASSWORD_ALPHABET).not.toContain(character);
    }
    expect(new Set(PASSWORD_ALPHABET).size).toBe(PASSWORD_ALPHABET.length);
  });

  it('discards bytes that would bias the choice', () => {
    // 57 characters: bytes 228 to 255 are discarded, and byte 57 maps to the first character.
    let call = 0;
    const password = generatePassword((bytes) => {
      bytes.fill(call === 0 ? 255 : 57);
      call += 1;
    });
    expect(call).toBe(2);
    expect(password).toBe('aaaaa-aaaaa-aaaaa-aaaaa');
  });

  it('maps each byte below the limit to one character', () => {
    const password = generatePassword((bytes) => {
      bytes.forEach((_, index) => (bytes[index] = index));
    });
    expect(password.replaceAll('-', '')).toBe(PASSWORD_ALPHABET.slice(0, 20));
  });
});
