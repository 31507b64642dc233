// Local copy of the session state, and the poll that detects when the server ends the session.

import { onUnauthorized } from './api';
import { api } from './endpoints';
import { messages } from './messages';
import { navigate } from './router.svelte';
import type { Me, SessionState } from './types';

/** Interval between session checks of a signed-in tab, in milliseconds. */
export const SESSION_POLL_INTERVAL_MS = 5000;

export const session = $state<{
  /** null until the first GET /api/session has returned. */
  state: SessionState | null;
  me: Me | null;
  /** A one-time sentence for the sign-in screen, such as why the session ended. */
  notice: string;
  /** Path to return to after signing in, when a protected page sent the person to sign in. */
  returnTo: string;
}>({ state: null, me: null, notice: '', returnTo: '' });

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
export function endSession(notice: string): void {
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
    if (session.state !== null && session.state !== 'signed_out') endSession(messages.sessionEnded);
  });
  return () => onUnauthorized(null);
}

/**
 * Polls GET /api/session while the session is authenticated and ends it locally
 * once the server reports any other state (signed out, revoked, key reset).
 * Network errors are ignored, so a restarting server does not sign anyone out.
 */
export function startSessionPoll(): () => void {
  let stopped = false;
  const timer = window.setInterval(async () => {
    try {
      const answer = await api.getSession();
      if (!stopped && session.state === 'authenticated' && answer.state !== 'authenticated') {
        endSession(messages.sessionEnded);
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
