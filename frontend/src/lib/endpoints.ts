// One function for each API route the app calls.

import { request } from './api';
import type {
  AppNotification,
  AuditEvent,
  CreatedUser,
  Enrollment,
  EnrollmentResult,
  Invitation,
  Me,
  NewUser,
  Organization,
  OrganizationChange,
  SessionAnswer,
  SessionInfo,
  SetupRequest,
  TotpStatus,
  User,
  UserChange,
  UserPage,
  UserQuery,
} from './types';

function userPath(id: number): string {
  return `/api/org/users/${encodeURIComponent(String(id))}`;
}

function notificationPath(id: number): string {
  return `/api/me/notifications/${encodeURIComponent(String(id))}`;
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

  showInvitation: (token: string) =>
    request<Invitation>('/api/invitations/show', { method: 'POST', body: { token } }),
  acceptInvitation: (token: string, password: string) =>
    request<{ email: string }>('/api/invitations/accept', { method: 'POST', body: { token, password } }),

  getMe: () => request<Me>('/api/me'),
  // A wrong current password or code gets a 401 while the session is still valid.
  changePassword: (currentPassword: string, newPassword: string) =>
    request<{ status: string }>('/api/me/password', {
      method: 'POST',
      body: { current_password: currentPassword, new_password: newPassword },
      unauthorizedIsExpected: true,
    }),
  regenerateOwnKey: (code: string) =>
    request<{ totp_status: TotpStatus }>('/api/me/totp-key', {
      method: 'POST',
      body: { code },
      unauthorizedIsExpected: true,
    }),
  replaceRecoveryCodes: (code: string) =>
    request<{ recovery_codes: string[] }>('/api/me/recovery-codes', {
      method: 'POST',
      body: { code },
      unauthorizedIsExpected: true,
    }),
  listSessions: () => request<{ sessions: SessionInfo[] }>('/api/me/sessions'),
  revokeSession: (id: string) =>
    request<{ revoked: boolean }>(`/api/me/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  getEnrollment: () => request<Enrollment>('/api/me/enrollment'),
  confirmEnrollment: (code: string) =>
    request<EnrollmentResult>('/api/me/enrollment', {
      method: 'POST',
      body: { code },
      unauthorizedIsExpected: true,
    }),
  listNotifications: () => request<{ notifications: AppNotification[] }>('/api/me/notifications'),
  markNotificationRead: (id: number) =>
    request<AppNotification>(`${notificationPath(id)}/read`, { method: 'POST' }),
  reportNotification: (id: number) =>
    request<{ reported: boolean }>(`${notificationPath(id)}/report`, { method: 'POST' }),

  getOrganization: () => request<Organization>('/api/org'),
  updateOrganization: (change: OrganizationChange) =>
    request<Organization>('/api/org', { method: 'PATCH', body: change }),

  listUsers: (query: UserQuery, signal?: AbortSignal) => {
    const params = new URLSearchParams({
      q: query.q,
      page: String(query.page),
      per_page: String(query.perPage),
    });
    if (query.status !== '') params.set('status', query.status);
    if (query.role !== '') params.set('role', query.role);
    return request<UserPage>(`/api/org/users?${params}`, { signal });
  },
  createUser: (body: NewUser) => request<CreatedUser>('/api/org/users', { method: 'POST', body }),
  getUser: (id: number) => request<User>(userPath(id)),
  updateUser: (id: number, change: UserChange) =>
    request<User>(userPath(id), { method: 'PATCH', body: change }),
  deleteUser: (id: number) => request<{ deleted: boolean }>(userPath(id), { method: 'DELETE' }),
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
