// Local copy of the session state, and the poll that detects when the server ends the session.

import { onUnauthorized } from './api';
import { api } from './endpoints';
import { navigate } from './router.svelte';
import type { Me, SessionState } from './types';

/** Interval between session checks of a signed-in tab, in milliseconds. */
export const SESSION_POLL_INTERVAL_MS = 5000;

/** Every this many session checks, the poll also reloads the user, which updates the unread count. */
const ME_RELOAD_EVERY_POLLS = 3;

/**
 * Messages (keys of the catalogue) that the sign-in screen shows once. A key rather
 * than a sentence, so that the notice follows a language switch.
 */
export type SignInNotice = 'sessionEnded' | 'signedOut' | 'setupDone' | 'invitationAccepted';

export const session = $state<{
  /** null until the first GET /api/session has returned. */
  state: SessionState | null;
  me: Me | null;
  /** A one-time notice for the sign-in screen, such as why the session ended. */
  notice: SignInNotice | '';
  /** Email to fill in on the sign-in screen, such as the one an invitation was accepted for. */
  email: string;
  /** Path to return to after signing in, when a protected page sent the person to sign in. */
  returnTo: string;
}>({ state: null, me: null, notice: '', email: '', returnTo: '' });

/** Loads the session state, and the signed-in user when the session is authenticated. */
export async function refreshSession(): Promise<void> {
  const answer = await api.getSession();
  if (answer.state === 'authenticated') {
    session.me = await api.getMe();
  } else {
    session.me = null;
  }
  session.state = answer.state;
}

/** Reloads the signed-in user, for example to update the unread count. */
export async function reloadMe(): Promise<void> {
  session.me = await api.getMe();
}

/** Forgets the local session and moves to sign-in, showing `notice` there. */
export function endSession(notice: SignInNotice): void {
  session.state = 'signed_out';
  session.me = null;
  session.notice = notice;
  navigate('/login', { replace: true });
}

/** Stores the state returned by a sign-in step, loading the user first when it is authenticated. */
export async function applySignInState(state: SessionState): Promise<void> {
  if (state === 'authenticated') session.me = await api.getMe();
  session.state = state;
  session.notice = '';
}

/** Moves to the page to show after a completed sign-in. */
export function goToSignedInHome(): void {
  const target = session.returnTo || '/';
  session.returnTo = '';
  navigate(target, { replace: true });
}

/**
 * Ends the local session on any unexpected 401 while the app believes someone
 * is at least part-way signed in.
 */
export function watchUnauthorized(): () => void {
  onUnauthorized(() => {
    if (session.state !== null && session.state !== 'signed_out') endSession('sessionEnded');
  });
  return () => onUnauthorized(null);
}

/**
 * Polls GET /api/session while the session is authenticated and ends it locally
 * once the server reports any other state (signed out, revoked, key reset).
 * Every few polls it also reloads the user, so new notifications show in the header.
 * Network errors are ignored, so a restarting server does not sign anyone out.
 */
export function startSessionPoll(): () => void {
  let stopped = false;
  let polls = 0;
  const timer = window.setInterval(async () => {
    polls += 1;
    try {
      const answer = await api.getSession();
      if (stopped || session.state !== 'authenticated') return;
      if (answer.state !== 'authenticated') {
        endSession('sessionEnded');
      } else if (polls % ME_RELOAD_EVERY_POLLS === 0) {
        await reloadMe();
      }
    } catch {
      // Keep the session: the next poll tries again.
    }
  }, SESSION_POLL_INTERVAL_MS);
  return () => {
    stopped = true;
    window.clearInterval(timer);
  };
}
