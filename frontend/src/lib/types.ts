// Shapes of the JSON bodies of the Gatehouse HTTP API (v1).

export type SessionState = 'signed_out' | 'totp_required' | 'enrollment_required' | 'authenticated';
export type Role = 'admin' | 'member';
export type TotpStatus = 'active' | 'pending' | 'off';

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

export interface AppNotification {
  id: number;
  message: string;
  created_at: string;
  read: boolean;
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
}

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  totp_status: TotpStatus;
  disabled: boolean;
  created_at?: string;
}

export interface UserPage {
  users: User[];
  total: number;
  page?: number;
  per_page?: number;
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
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
