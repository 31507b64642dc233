// An authenticator app for the browser test: it returns the current TOTP code of a key,
// waiting when needed so that no code reuses a time step the server already accepted.

import { TOTP_PERIOD_SECONDS, timeStep, totp } from './totp';

/** Minimum seconds left in a time step for a code to be typed and sent before the step ends. */
const MIN_SECONDS_LEFT = 4;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class Authenticator {
  /** Last time step handed out for each key, because the server accepts one code per key and step. */
  private readonly lastStepByKey = new Map<string, number>();

  /** Returns a code of `key` from a time step later than any earlier code of this key. */
  async code(key: string): Promise<string> {
    return this.skewedCode(key, 0);
  }

  /**
   * Returns the code that a phone whose clock is `offsetSteps` time steps ahead would show,
   * once the current step is later than any earlier code of this key. The server accepts
   * one step either way, and records the code's own step as used.
   */
  async skewedCode(key: string, offsetSteps: number): Promise<string> {
    for (;;) {
      const now = Date.now();
      const step = timeStep(now);
      const secondsLeft = TOTP_PERIOD_SECONDS - (now / 1000) % TOTP_PERIOD_SECONDS;
      const lastStep = this.lastStepByKey.get(key) ?? -1;
      if (step > lastStep && step + offsetSteps > lastStep && secondsLeft >= MIN_SECONDS_LEFT) {
        this.lastStepByKey.set(key, Math.max(step, step + offsetSteps));
        return totp(key, now + offsetSteps * TOTP_PERIOD_SECONDS * 1000);
      }
      const nextStepMs = (step + 1) * TOTP_PERIOD_SECONDS * 1000;
      await sleep(nextStepMs - now + 250);
    }
  }

  /** Returns the current code of `key` without recording it, for codes the server must reject. */
  currentCode(key: string): string {
    return totp(key, Date.now());
  }

  /** Returns the code `offsetSteps` time steps from now without recording it, for codes the server must reject. */
  codeAt(key: string, offsetSteps: number): string {
    return totp(key, Date.now() + offsetSteps * TOTP_PERIOD_SECONDS * 1000);
  }
}
