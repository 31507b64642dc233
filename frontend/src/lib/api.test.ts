import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, describeError, onUnauthorized, parseRetryAfter, request } from './api';
import { api } from './endpoints';
import { language } from './language.svelte';

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

let fetchMock: ReturnType<typeof vi.fn>;

/** Awaits a call that must fail and returns its ApiError. */
async function apiFailure(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail with ApiError, but it succeeded');
}

beforeEach(() => {
  fetchMock = vi.fn();
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  onUnauthorized(null);
  vi.unstubAllGlobals();
});

describe('request', () => {
  it('sends JSON with same-origin credentials', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { state: 'totp_required' }));

    const answer = await api.signIn('ada@example.test', 'correct horse battery');

    expect(answer).toEqual({ state: 'totp_required' });
    const [path, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(path).toBe('/api/session');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ email: 'ada@example.test', password: 'correct horse battery' });
  });

  it('asks for error sentences in the interface language', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(200, { state: 'signed_out' }));
    const before = language.current;

    language.current = 'es';
    await api.getSession();
    language.current = 'en';
    await api.getSession();
    language.current = before;

    const headersOf = (call: number) =>
      (fetchMock.mock.calls[call] as [string, RequestInit])[1].headers as Record<string, string>;
    expect(headersOf(0)['Accept-Language']).toBe('es');
    expect(headersOf(1)['Accept-Language']).toBe('en');
  });

  it('sends no body on GET', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { state: 'signed_out' }));

    await api.getSession();

    const [, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(init.method).toBe('GET');
    expect(init.body).toBeUndefined();
  });

  it('throws the server error sentence', async () => {
    fetchMock.mockResolvedValue(jsonResponse(409, { error: 'The last administrator cannot be removed.' }));

    const failure = await apiFailure(request('/api/org/users/1', { method: 'PATCH', body: { role: 'member' } }));

    expect(failure.status).toBe(409);
    expect(failure.message).toBe('The last administrator cannot be removed.');
  });

  it('falls back to a generic message for a body without error', async () => {
    fetchMock.mockResolvedValue(new Response('<html>bad gateway</html>', { status: 502 }));

    const failure = await apiFailure(request('/api/me'));

    expect(failure.status).toBe(502);
    expect(failure.message).toContain('HTTP 502');
  });

  it('reports an unreachable server as status 0', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));

    const failure = await apiFailure(request('/api/me'));

    expect(failure.status).toBe(0);
  });

  it('accepts an empty success body', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 201 }));

    await expect(request('/api/setup', { method: 'POST', body: {} })).resolves.toEqual({});
  });

  it('marks a 403 with step_up as requiring step-up', async () => {
    fetchMock.mockResolvedValue(jsonResponse(403, { error: 'Enter a current code first.', step_up: true }));

    const failure = await apiFailure(api.generateKey(7, 'lost phone'));

    expect(failure.stepUpRequired).toBe(true);
    const [path, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(path).toBe('/api/org/users/7/totp-key');
    expect(JSON.parse(init.body as string)).toEqual({ reason: 'lost phone' });
  });

  it('does not mark a plain 403 as step-up', async () => {
    fetchMock.mockResolvedValue(jsonResponse(403, { error: 'Forbidden.' }));

    const failure = await apiFailure(request('/api/org/users'));

    expect(failure.stepUpRequired).toBe(false);
  });

  it('sends an empty object when no reason is given', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { totp_status: 'pending' }));

    await api.generateKey(7, '');

    const [, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(JSON.parse(init.body as string)).toEqual({});
  });

  it('builds the user list query', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { users: [], total: 0 }));

    await api.listUsers({ q: 'a b&c', status: '', role: '', page: 2, perPage: 50 });

    const [path] = fetchMock.mock.calls[0] as [string];
    const url = new URL(path, 'http://127.0.0.1');
    expect(url.pathname).toBe('/api/org/users');
    expect(url.searchParams.get('q')).toBe('a b&c');
    expect(url.searchParams.get('page')).toBe('2');
    expect(url.searchParams.get('per_page')).toBe('50');
    expect(url.searchParams.has('status')).toBe(false);
    expect(url.searchParams.has('role')).toBe(false);
  });

  it('adds the status and role filters to the user list query', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { users: [], total: 0 }));

    await api.listUsers({ q: '', status: 'disabled', role: 'admin', page: 1, perPage: 10 });

    const [path] = fetchMock.mock.calls[0] as [string];
    const url = new URL(path, 'http://127.0.0.1');
    expect(url.searchParams.get('status')).toBe('disabled');
    expect(url.searchParams.get('role')).toBe('admin');
    expect(url.searchParams.get('per_page')).toBe('10');
  });

  it('sends invite instead of a password for an invited user', async () => {
    fetchMock.mockResolvedValue(jsonResponse(201, { id: 4, invitation_url: 'http://127.0.0.1/invite#token=x' }));

    const created = await api.createUser({ email: 'ivy@example.test', name: 'Ivy', role: 'member', invite: true });

    expect(created.invitation_url).toBe('http://127.0.0.1/invite#token=x');
    const [, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(JSON.parse(init.body as string)).toEqual({ email: 'ivy@example.test', name: 'Ivy', role: 'member', invite: true });
  });

  it('names the password fields of a password change', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { status: 'changed' }));

    await api.changePassword('old-password-1', 'new-password-2');

    const [path, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(path).toBe('/api/me/password');
    expect(JSON.parse(init.body as string)).toEqual({ current_password: 'old-password-1', new_password: 'new-password-2' });
  });

  it('escapes a session id in the revoke path', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { revoked: true }));

    await api.revokeSession('ab/cd');

    const [path, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(path).toBe('/api/me/sessions/ab%2Fcd');
    expect(init.method).toBe('DELETE');
  });
});

describe('unauthorized handler', () => {
  it('runs on an unexpected 401', async () => {
    const handler = vi.fn();
    onUnauthorized(handler);
    fetchMock.mockResolvedValue(jsonResponse(401, { error: 'Sign in first.' }));

    await expect(api.getMe()).rejects.toBeInstanceOf(ApiError);

    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('does not run for a wrong password or code', async () => {
    const handler = vi.fn();
    onUnauthorized(handler);
    fetchMock.mockImplementation(async () => jsonResponse(401, { error: 'Wrong code.' }));

    await expect(api.signIn('a@example.test', 'wrong password')).rejects.toBeInstanceOf(ApiError);
    await expect(api.submitTotp('123456')).rejects.toBeInstanceOf(ApiError);
    await expect(api.submitRecoveryCode('abcd-efgh')).rejects.toBeInstanceOf(ApiError);
    await expect(api.stepUp('123456')).rejects.toBeInstanceOf(ApiError);
    await expect(api.confirmEnrollment('123456')).rejects.toBeInstanceOf(ApiError);
    await expect(api.changePassword('wrong-password', 'new-password-2')).rejects.toBeInstanceOf(ApiError);
    await expect(api.regenerateOwnKey('123456')).rejects.toBeInstanceOf(ApiError);
    await expect(api.replaceRecoveryCodes('123456')).rejects.toBeInstanceOf(ApiError);

    expect(handler).not.toHaveBeenCalled();
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120')).toBe(120);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:01:30 GMT', now)).toBe(90);
  });

  it('returns null for a missing or invalid value', () => {
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('describeError', () => {
  it('shows the wait time of a 429 in minutes', async () => {
    fetchMock.mockResolvedValue(jsonResponse(429, { error: 'Too many attempts.' }, { 'Retry-After': '120' }));

    const failure = await apiFailure(api.signIn('a@example.test', 'whatever-password'));

    expect(describeError(failure)).toBe('Too many attempts. Try again in 2 minutes.');
  });

  it('shows a short wait in seconds', () => {
    expect(describeError(new ApiError(429, 'Slow down.', {}, 45))).toBe('Too many attempts. Try again in 45 seconds.');
  });

  it('shows waits under two minutes in seconds', () => {
    expect(describeError(new ApiError(429, 'Slow down.', {}, 90))).toBe('Too many attempts. Try again in 90 seconds.');
    expect(describeError(new ApiError(429, 'Slow down.', {}, 119))).toBe('Too many attempts. Try again in 119 seconds.');
  });

  it('rounds a partial minute up', () => {
    expect(describeError(new ApiError(429, 'Slow down.', {}, 121))).toBe('Too many attempts. Try again in 3 minutes.');
  });

  it('uses the singular for one second', () => {
    expect(describeError(new ApiError(429, 'Slow down.', {}, 1))).toBe('Too many attempts. Try again in 1 second.');
    expect(describeError(new ApiError(429, 'Slow down.', {}, 0))).toBe('Too many attempts. Try again in 1 second.');
  });

  it('shows the server sentence of a 429 without Retry-After', () => {
    expect(describeError(new ApiError(429, 'Slow down.', {}, null))).toBe('Slow down.');
  });

  it('shows the server sentence for other errors', () => {
    expect(describeError(new ApiError(401, 'Wrong email or password.', {}, null))).toBe('Wrong email or password.');
  });
});
