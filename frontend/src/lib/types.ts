// Shapes of the JSON bodies of the Gatehouse HTTP API (v1).

export type SessionState = 'signed_out' | 'totp_required' | 'enrollment_required' | 'authenticated';
export type Role = 'admin' | 'member';
export type TotpStatus = 'active' | 'pending' | 'off';
/** Two-step verification policy: required of everyone ("all") or of administrators only ("admins"). */
export type TwoFactorPolicy = 'all' | 'admins';
/** Values of the users list's status filter: a two-step status, or disabled accounts. */
export type UserStatusFilter = TotpStatus | 'disabled';

export interface SessionAnswer {
  state: SessionState;
}

export interface Me {
  id: number;
  email: string;
  name: string;
  role: Role;
  totp_status: TotpStatus;
  organization: { id: number; name: string };
  unread_notifications?: number;
}

/** Kind of a notification about a new key that an administrator generated. */
export const KEY_RESET_KIND = 'key_reset';

export interface AppNotification {
  id: number;
  /** "key_reset" for an administrator's reset of the user's key; other notices have other kinds or "". */
  kind?: string;
  message: string;
  created_at: string;
  read: boolean;
  /** Whether the user reported a key_reset notice as unexpected ("This wasn't me"). */
  reported?: boolean;
}

export interface Enrollment {
  secret: string;
  otpauth_url: string;
  qr_png: string;
  previous_key?: boolean;
  expires_at?: string | null;
  notifications?: AppNotification[];
}

export interface EnrollmentResult {
  state: SessionState;
  recovery_codes: string[];
  /** A sentence from the server when the confirming code came from a clock that is off. */
  clock_warning?: string;
}

/** One of the signed-in user's sessions. The id is a hash that can revoke the session but not use it. */
export interface SessionInfo {
  id: string;
  user_agent: string;
  client_ip: string;
  created_at: string;
  last_seen_at: string;
  current: boolean;
  /** False while that session has completed only the password step. */
  signed_in: boolean;
}

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  totp_status: TotpStatus;
  disabled: boolean;
  created_at?: string;
  /** On the user page only: when an admin's new key, still waiting to be set up, lapses. */
  pending_key_expires_at?: string;
}

export interface UserPage {
  users: User[];
  total: number;
  page?: number;
  per_page?: number;
}

/** A new user gets either a password chosen by the admin or a one-time invitation link. */
export type NewUser = { email: string; name: string; role: Role } & ({ password: string } | { invite: true });

export interface CreatedUser extends User {
  /** Present for an invited user: the one-time link, returned only in this response. */
  invitation_url?: string;
  invitation_expires_at?: string;
}

/** A user just created, and the temporary password when one was generated: shown to the admin once. */
export interface NewUserResult {
  user: CreatedUser;
  temporaryPassword: string | null;
}

export interface UserQuery {
  q: string;
  status: UserStatusFilter | '';
  role: Role | '';
  page: number;
  perPage: number;
}

export interface Organization {
  id: number;
  name: string;
  two_factor_policy: TwoFactorPolicy;
  /** Hours in which a new key must be set up before it expires (1 to 720). */
  pending_key_hours: number;
}

export interface OrganizationChange {
  name?: string;
  two_factor_policy?: TwoFactorPolicy;
  pending_key_hours?: number;
}

export interface Invitation {
  email: string;
  name: string;
}

export interface UserChange {
  role?: Role;
  disabled?: boolean;
  name?: string;
}

export interface AuditEvent {
  id: number;
  action: string;
  actor_email: string;
  target_email: string;
  detail: string;
  client_ip: string;
  user_agent: string;
  created_at: string;
}

export interface SetupRequest {
  token: string;
  organization: string;
  name: string;
  email: string;
  password: string;
}
