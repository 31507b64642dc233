import { describe, expect, it } from 'vitest';
import { matchRoute, redirectFor, type Route } from './routes';
import type { SessionState } from './types';

describe('matchRoute', () => {
  it('matches the fixed paths', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/setup')).toEqual({ name: 'setup' });
    expect(matchRoute('/login')).toEqual({ name: 'login' });
    expect(matchRoute('/login/code')).toEqual({ name: 'loginCode' });
    expect(matchRoute('/enroll')).toEqual({ name: 'enroll' });
    expect(matchRoute('/org/users')).toEqual({ name: 'users' });
    expect(matchRoute('/org/settings')).toEqual({ name: 'settings' });
    expect(matchRoute('/account')).toEqual({ name: 'account' });
    expect(matchRoute('/invite')).toEqual({ name: 'invite' });
  });

  it('ignores a trailing slash', () => {
    expect(matchRoute('/org/users/')).toEqual({ name: 'users' });
  });

  it('reads a user id', () => {
    expect(matchRoute('/org/users/42')).toEqual({ name: 'user', id: 42 });
  });

  it('rejects ids that are not positive integers', () => {
    expect(matchRoute('/org/users/0')).toEqual({ name: 'notFound' });
    expect(matchRoute('/org/users/abc')).toEqual({ name: 'notFound' });
    expect(matchRoute('/org/users/-1')).toEqual({ name: 'notFound' });
    expect(matchRoute('/org/users/1.5')).toEqual({ name: 'notFound' });
  });

  it('returns notFound for unknown paths', () => {
    expect(matchRoute('/nope')).toEqual({ name: 'notFound' });
  });
});

describe('redirectFor', () => {
  const home: Route = { name: 'home' };
  const users: Route = { name: 'users' };
  const user: Route = { name: 'user', id: 3 };
  const loginCode: Route = { name: 'loginCode' };
  const enroll: Route = { name: 'enroll' };

  it('sends a signed-in page to the pending sign-in step', () => {
    const expected: [SessionState, string | null][] = [
      ['signed_out', '/login'],
      ['totp_required', '/login/code'],
      ['enrollment_required', '/enroll'],
      ['authenticated', null],
    ];
    for (const [state, target] of expected) {
      expect(redirectFor(home, state, 'member'), state).toBe(target);
    }
  });

  it('keeps members out of the admin pages', () => {
    expect(redirectFor(users, 'authenticated', 'member')).toBe('/');
    expect(redirectFor(user, 'authenticated', 'member')).toBe('/');
    expect(redirectFor(users, 'authenticated', 'admin')).toBeNull();
    expect(redirectFor(user, 'authenticated', 'admin')).toBeNull();
  });

  it('sends admin pages to sign-in before the role is known', () => {
    expect(redirectFor(users, 'signed_out', null)).toBe('/login');
  });

  it('shows the code step only while a code is required', () => {
    expect(redirectFor(loginCode, 'totp_required', null)).toBeNull();
    expect(redirectFor(loginCode, 'signed_out', null)).toBe('/login');
    expect(redirectFor(loginCode, 'enrollment_required', null)).toBe('/enroll');
    expect(redirectFor(loginCode, 'authenticated', 'member')).toBe('/');
  });

  it('allows enrolment after the password step and when signed in', () => {
    expect(redirectFor(enroll, 'enrollment_required', null)).toBeNull();
    expect(redirectFor(enroll, 'authenticated', 'member')).toBeNull();
    expect(redirectFor(enroll, 'signed_out', null)).toBe('/login');
    expect(redirectFor(enroll, 'totp_required', null)).toBe('/login/code');
  });

  it('moves a signed-in person from sign-in to home', () => {
    expect(redirectFor({ name: 'login' }, 'authenticated', 'member')).toBe('/');
    expect(redirectFor({ name: 'login' }, 'totp_required', null)).toBeNull();
  });

  it('shows the account page to every signed-in user', () => {
    expect(redirectFor({ name: 'account' }, 'authenticated', 'member')).toBeNull();
    expect(redirectFor({ name: 'account' }, 'signed_out', null)).toBe('/login');
    expect(redirectFor({ name: 'account' }, 'enrollment_required', null)).toBe('/enroll');
  });

  it('keeps members out of the organisation settings', () => {
    expect(redirectFor({ name: 'settings' }, 'authenticated', 'member')).toBe('/');
    expect(redirectFor({ name: 'settings' }, 'authenticated', 'admin')).toBeNull();
    expect(redirectFor({ name: 'settings' }, 'totp_required', null)).toBe('/login/code');
  });

  it('shows an invitation in any session state', () => {
    for (const state of ['signed_out', 'totp_required', 'enrollment_required', 'authenticated'] as const) {
      expect(redirectFor({ name: 'invite' }, state, 'member'), state).toBeNull();
    }
  });

  it('always shows setup and unknown pages', () => {
    expect(redirectFor({ name: 'setup' }, 'authenticated', 'admin')).toBeNull();
    expect(redirectFor({ name: 'notFound' }, 'signed_out', null)).toBeNull();
  });
});
