// One function for each API route the app calls.

import { request } from './api';
import type {
  AppNotification,
  AuditEvent,
  Enrollment,
  EnrollmentResult,
  Me,
  NewUser,
  SessionAnswer,
  SetupRequest,
  TotpStatus,
  User,
  UserChange,
  UserPage,
} from './types';

function userPath(id: number): string {
  return `/api/org/users/${encodeURIComponent(String(id))}`;
}

export const api = {
  getSetup: () => request<{ required: boolean }>('/api/setup'),
  setup: (body: SetupRequest) => request<unknown>('/api/setup', { method: 'POST', body }),

  getSession: () => request<SessionAnswer>('/api/session'),
  signIn: (email: string, password: string) =>
    request<SessionAnswer>('/api/session', {
      method: 'POST',
      body: { email, password },
      unauthorizedIsExpected: true,
    }),
  submitTotp: (code: string) =>
    request<SessionAnswer>('/api/session/totp', {
      method: 'POST',
      body: { code },
      unauthorizedIsExpected: true,
    }),
  submitRecoveryCode: (code: string) =>
    request<SessionAnswer>('/api/session/recovery', {
      method: 'POST',
      body: { code },
      unauthorizedIsExpected: true,
    }),
  stepUp: (code: string) =>
    request<SessionAnswer>('/api/session/step-up', {
      method: 'POST',
      body: { code },
      unauthorizedIsExpected: true,
    }),
  signOut: () => request<SessionAnswer>('/api/session', { method: 'DELETE' }),

  getMe: () => request<Me>('/api/me'),
  getEnrollment: () => request<Enrollment>('/api/me/enrollment'),
  confirmEnrollment: (code: string) =>
    request<EnrollmentResult>('/api/me/enrollment', { method: 'POST', body: { code } }),
  listNotifications: () => request<{ notifications: AppNotification[] }>('/api/me/notifications'),
  markNotificationRead: (id: number) =>
    request<AppNotification>(`/api/me/notifications/${encodeURIComponent(String(id))}/read`, {
      method: 'POST',
    }),

  listUsers: (query: { q: string; page: number; perPage: number }, signal?: AbortSignal) => {
    const params = new URLSearchParams({
      q: query.q,
      page: String(query.page),
      per_page: String(query.perPage),
    });
    return request<UserPage>(`/api/org/users?${params}`, { signal });
  },
  createUser: (body: NewUser) => request<User>('/api/org/users', { method: 'POST', body }),
  getUser: (id: number) => request<User>(userPath(id)),
  updateUser: (id: number, change: UserChange) =>
    request<User>(userPath(id), { method: 'PATCH', body: change }),
  generateKey: (id: number, reason: string) =>
    request<{ totp_status: TotpStatus }>(`${userPath(id)}/totp-key`, {
      method: 'POST',
      body: reason === '' ? {} : { reason },
    }),
  listAudit: (userId: number) =>
    request<{ events: AuditEvent[] }>(
      `/api/org/audit?${new URLSearchParams({ user_id: String(userId) })}`,
    ),
};
