// TOTP (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA1, as authenticator apps compute it,
// so the end-to-end test can type the codes a person's phone would show.

import { createHmac } from 'node:crypto';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** TOTP time step in seconds: the RFC 6238 default, which Gatehouse keys use. */
export const TOTP_PERIOD_SECONDS = 30;

/** Decodes RFC 4648 base32. Spaces, hyphens and "=" padding are ignored, and lower case is accepted. */
export function base32Decode(input: string): Buffer {
  const clean = input.replace(/[\s=-]/g, '').toUpperCase();
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32_ALPHABET.indexOf(char);
    if (value === -1) throw new Error(`invalid base32 character ${JSON.stringify(char)} in key`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** Computes the HOTP value of `counter` (RFC 4226, section 5.3), zero-padded to `digits`. */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hmac = createHmac('sha1', key).update(message).digest();
  const offset = hmac[hmac.length - 1] & 0x0f;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** Returns the time step that contains `timeMs` (milliseconds since the Unix epoch). */
export function timeStep(timeMs: number): number {
  return Math.floor(timeMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** Computes the TOTP code of a base32 key at `timeMs` (milliseconds since the Unix epoch). */
export function totp(base32Key: string, timeMs: number, digits = 6): string {
  return hotp(base32Decode(base32Key), timeStep(timeMs), digits);
}
