// A one-time message for the next screen, such as "User … was deleted." after a page that no longer exists.

export const flash = $state<{
  /** Returns the message in the current language, or null when there is none. */
  message: (() => string) | null;
}>({ message: null });

/** Returns the pending message and clears it, so it shows once. */
export function takeFlash(): (() => string) | null {
  const message = flash.message;
  flash.message = null;
  return message;
}
