// Temporary passwords for new users, generated in the admin's browser with the Web Crypto API.

/** Letters and digits without look-alikes (0 and O, 1 and l and I), so a password read aloud or retyped survives. */
export const PASSWORD_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const GROUP_COUNT = 4;
const GROUP_LENGTH = 5;

/** Fills `bytes` with random values; crypto.getRandomValues in the browser. */
export type RandomSource = (bytes: Uint8Array<ArrayBuffer>) => void;

const cryptoRandom: RandomSource = (bytes) => {
  crypto.getRandomValues(bytes);
};

/**
 * Returns a password of four groups of five characters joined by hyphens, such as
 * "k7Pq2-x9Wmz-…": 20 characters from a 57-character alphabet, about 116 bits.
 * Bytes at or above the largest multiple of the alphabet size are discarded, so every
 * character is equally likely.
 */
export function generatePassword(random: RandomSource = cryptoRandom): string {
  const size = PASSWORD_ALPHABET.length;
  const limit = 256 - (256 % size);
  const characters: string[] = [];
  const bytes = new Uint8Array(32);
  while (characters.length < GROUP_COUNT * GROUP_LENGTH) {
    random(bytes);
    for (const byte of bytes) {
      if (byte >= limit) continue;
      characters.push(PASSWORD_ALPHABET[byte % size]);
      if (characters.length === GROUP_COUNT * GROUP_LENGTH) break;
    }
  }
  const groups: string[] = [];
  for (let start = 0; start < characters.length; start += GROUP_LENGTH) {
    groups.push(characters.slice(start, start + GROUP_LENGTH).join(''));
  }
  return groups.join('-');
}
