import { describe, expect, it } from 'vitest';
import { base32Decode, hotp, timeStep, totp } from './totp';

// The RFC 6238 SHA-1 test key is the ASCII string "12345678901234567890".
const RFC_KEY_ASCII = '12345678901234567890';
const RFC_KEY_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('base32Decode', () => {
  it('decodes the RFC 6238 key', () => {
    expect(base32Decode(RFC_KEY_BASE32).toString('ascii')).toBe(RFC_KEY_ASCII);
  });

  it('decodes the RFC 4648 vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['MY======', 'f'],
      ['MZXQ====', 'fo'],
      ['MZXW6===', 'foo'],
      ['MZXW6YQ=', 'foob'],
      ['MZXW6YTB', 'fooba'],
      ['MZXW6YTBOI======', 'foobar'],
    ];
    for (const [encoded, decoded] of vectors) {
      expect(base32Decode(encoded).toString('ascii'), encoded).toBe(decoded);
    }
  });

  it('ignores grouping spaces and case', () => {
    expect(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').toString('ascii')).toBe(RFC_KEY_ASCII);
  });

  it('rejects characters outside the alphabet', () => {
    expect(() => base32Decode('GEZD1')).toThrow(/invalid base32 character "1"/);
  });
});

describe('hotp', () => {
  it('matches the RFC 4226 vectors', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    const key = Buffer.from(RFC_KEY_ASCII, 'ascii');
    expected.forEach((code, counter) => {
      expect(hotp(key, counter), `counter ${counter}`).toBe(code);
    });
  });
});

describe('totp', () => {
  // Time in seconds and the 8-digit SHA-1 value from RFC 6238, appendix B.
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];

  it('matches the RFC 6238 SHA-1 vectors with 8 digits', () => {
    for (const [seconds, code] of vectors) {
      expect(totp(RFC_KEY_BASE32, seconds * 1000, 8), `time ${seconds}`).toBe(code);
    }
  });

  it('returns the last 6 digits of the 8-digit vectors', () => {
    for (const [seconds, code] of vectors) {
      expect(totp(RFC_KEY_BASE32, seconds * 1000), `time ${seconds}`).toBe(code.slice(2));
    }
  });

  it('keeps one code for a whole 30-second step', () => {
    expect(timeStep(30_000)).toBe(1);
    expect(timeStep(59_999)).toBe(1);
    expect(totp(RFC_KEY_BASE32, 30_000)).toBe(totp(RFC_KEY_BASE32, 59_999));
    expect(totp(RFC_KEY_BASE32, 59_999)).not.toBe(totp(RFC_KEY_BASE32, 60_000));
  });
});
