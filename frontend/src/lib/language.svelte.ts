// The interface language: the one the person chose with the switch, else the first
// of the browser's preferred languages that the app has, else English.

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
] as const;

export type Language = (typeof LANGUAGES)[number]['code'];

/** localStorage key of the language chosen with the switch. */
const STORAGE_KEY = 'gatehouse.language';

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((language) => language.code === value);
}

/**
 * Returns `saved` when it is a supported language, else the first supported base
 * language of `preferred` (BCP 47 tags such as "es-MX", as in navigator.languages),
 * else English.
 */
export function chooseLanguage(saved: string | null, preferred: readonly string[]): Language {
  if (isLanguage(saved)) return saved;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

function readSavedLanguage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be blocked by the browser's settings; the preferences still apply.
    return null;
  }
}

function initialLanguage(): Language {
  // Unit tests run without a browser.
  if (typeof window === 'undefined') return 'en';
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  return chooseLanguage(readSavedLanguage(), preferred);
}

export const language = $state<{ current: Language }>({ current: initialLanguage() });

/** Sets the lang attribute of the page, which screen readers and hyphenation follow. */
export function applyDocumentLanguage(): void {
  document.documentElement.lang = language.current;
}

/** Switches the interface language at once and remembers the choice in this browser. */
export function setLanguage(next: Language): void {
  language.current = next;
  applyDocumentLanguage();
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Without storage the choice lasts until the page is reloaded.
  }
}
