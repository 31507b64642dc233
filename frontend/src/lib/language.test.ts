import { describe, expect, it } from 'vitest';
import { chooseLanguage, isLanguage } from './language.svelte';

describe('chooseLanguage', () => {
  it('prefers the saved choice', () => {
    expect(chooseLanguage('es', ['en-US', 'en'])).toBe('es');
  });

  it('ignores a saved value that is not a supported language', () => {
    expect(chooseLanguage('fr', ['es-MX'])).toBe('es');
  });

  it('takes the first supported browser language by its base tag', () => {
    expect(chooseLanguage(null, ['de-DE', 'ES-ar', 'en'])).toBe('es');
    expect(chooseLanguage(null, ['en-GB', 'es'])).toBe('en');
  });

  it('falls back to English', () => {
    expect(chooseLanguage(null, ['de', 'fr-CA'])).toBe('en');
    expect(chooseLanguage(null, [])).toBe('en');
  });
});

describe('isLanguage', () => {
  it('accepts only the supported codes', () => {
    expect(isLanguage('en')).toBe(true);
    expect(isLanguage('es')).toBe(true);
    expect(isLanguage('es-ES')).toBe(false);
    expect(isLanguage(undefined)).toBe(false);
  });
});
