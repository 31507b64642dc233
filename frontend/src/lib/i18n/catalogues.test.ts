import { describe, expect, it } from 'vitest';
import { en } from './en';
import { es } from './es';

type Entry = [path: string, value: unknown];

/** Lists every leaf of a catalogue as [dotted path, value], in key order. */
function leaves(value: unknown, path = ''): Entry[] {
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, child]) => leaves(child, path === '' ? key : `${path}.${key}`));
  }
  return [[path, value]];
}

const catalogues = { en, es };

describe('message catalogues', () => {
  it('have the same keys in both languages', () => {
    const englishKeys = leaves(en).map(([path]) => path).sort();
    const spanishKeys = leaves(es).map(([path]) => path).sort();
    expect(spanishKeys).toEqual(englishKeys);
  });

  for (const [language, catalogue] of Object.entries(catalogues)) {
    it(`have no empty strings in ${language}`, () => {
      for (const [path, value] of leaves(catalogue)) {
        if (typeof value === 'function') continue;
        expect(typeof value, `${language}.${path}`).toBe('string');
        expect((value as string).trim(), `${language}.${path}`).not.toBe('');
      }
    });

    // Every argument of the message functions is a count, a name or an ISO date,
    // so the number 2 works for each of them.
    it(`have message functions that return text in ${language}`, () => {
      for (const [path, value] of leaves(catalogue)) {
        if (typeof value !== 'function') continue;
        const args = Array.from({ length: value.length }, () => 2);
        const text: unknown = value(...args);
        expect(typeof text, `${language}.${path}`).toBe('string');
        expect((text as string).trim(), `${language}.${path}`).not.toBe('');
      }
    });
  }

  it('have functions of the same arity in both languages', () => {
    const spanish = new Map(leaves(es));
    for (const [path, value] of leaves(en)) {
      if (typeof value !== 'function') continue;
      expect((spanish.get(path) as (...args: unknown[]) => unknown).length, path).toBe(value.length);
    }
  });

  it('translate the sign-in screen', () => {
    expect(es.signInTitle).not.toBe(en.signInTitle);
    expect(es.sessionEnded).not.toBe(en.sessionEnded);
  });
});
