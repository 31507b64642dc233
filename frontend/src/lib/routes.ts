// Route table of the app and the rule that sends a person to the step their session is at.

import type { Role, SessionState } from './types';

export type Route =
  | { name: 'setup' }
  | { name: 'invite' }
  | { name: 'login' }
  | { name: 'loginCode' }
  | { name: 'enroll' }
  | { name: 'home' }
  | { name: 'account' }
  | { name: 'settings' }
  | { name: 'users' }
  | { name: 'user'; id: number }
  | { name: 'notFound' };

const staticRoutes: Record<string, Route> = {
  '/setup': { name: 'setup' },
  '/invite': { name: 'invite' },
  '/login': { name: 'login' },
  '/login/code': { name: 'loginCode' },
  '/enroll': { name: 'enroll' },
  '/': { name: 'home' },
  '/account': { name: 'account' },
  '/org/settings': { name: 'settings' },
  '/org/users': { name: 'users' },
};

/** Maps a URL path to a route. A trailing slash is ignored, and user ids must be positive integers. */
export function matchRoute(path: string): Route {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const known = staticRoutes[trimmed];
  if (known) return known;
  const user = /^\/org\/users\/([1-9]\d{0,15})$/.exec(trimmed);
  if (user) return { name: 'user', id: Number(user[1]) };
  return { name: 'notFound' };
}

/** Path of the sign-in step that a session in `state` must complete next. */
function pendingStepPath(state: SessionState): string | null {
  switch (state) {
    case 'signed_out':
      return '/login';
    case 'totp_required':
      return '/login/code';
    case 'enrollment_required':
      return '/enroll';
    case 'authenticated':
      return null;
  }
}

/**
 * Returns the path to move to when `route` cannot be shown for this session,
 * or null when it can. `role` is null while the signed-in user is not loaded.
 */
export function redirectFor(route: Route, state: SessionState, role: Role | null): string | null {
  switch (route.name) {
    // An invitation sets the password of a new account, so it opens in any session state.
    case 'setup':
    case 'invite':
    case 'notFound':
      return null;
    case 'login':
      return state === 'authenticated' ? '/' : null;
    case 'loginCode':
      return state === 'totp_required' ? null : (pendingStepPath(state) ?? '/');
    case 'enroll':
      if (state === 'signed_out' || state === 'totp_required') return pendingStepPath(state);
      return null;
    case 'home':
    case 'account':
      return pendingStepPath(state);
    case 'settings':
    case 'users':
    case 'user':
      return pendingStepPath(state) ?? (role === 'admin' ? null : '/');
  }
}
