// Every string the app shows a person, in each supported language. Components read
// `messages`, which returns entries of the current language's catalogue. Because
// that read goes through reactive state, switching the language re-renders every
// string in place, without reloading the page or losing what is on screen.

import { en, type Messages } from './i18n/en';
import { es } from './i18n/es';
import { type Language, language } from './language.svelte';

export type { Messages };

export const catalogues: Record<Language, Messages> = { en, es };

export const messages: Messages = new Proxy(en, {
  get: (_target, key) => Reflect.get(catalogues[language.current], key),
});
