// English catalogue, and the shape every other language's catalogue must have.

import type { Role } from '../types';

function plural(count: number, singular: string, pluralForm: string): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

export const en = {
  appName: 'Gatehouse',
  skipToContent: 'Skip to content',
  language: 'Language',

  // Shared
  loading: 'Loading…',
  cancel: 'Cancel',
  done: 'Done',
  copied: 'Copied',
  copyFailed: 'Copying failed. Select the text and copy it by hand.',
  email: 'Email',
  password: 'Password',
  name: 'Name',
  role: 'Role',
  organization: 'Organisation',
  roles: { admin: 'Administrator', member: 'Member' },
  totpStatus: { active: 'Active', pending: 'Pending', off: 'Off' },
  yes: 'Yes',
  no: 'No',
  networkError: 'The server could not be reached. Check your connection and try again.',
  requestFailed: (status: number) => `The request failed (HTTP ${status}). Try again.`,
  sessionEnded: 'Your session has ended. Sign in again.',
  signedOut: 'You have signed out.',
  // Waits under two minutes are shown in seconds, so "90 seconds" is not rounded up to "2 minutes".
  tooManyAttempts: (seconds: number) =>
    seconds >= 120
      ? `Too many attempts. Try again in ${plural(Math.ceil(seconds / 60), 'minute', 'minutes')}.`
      : `Too many attempts. Try again in ${plural(Math.max(seconds, 1), 'second', 'seconds')}.`,
  formatDate: (iso: string) => {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return date.toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
  },
  passwordLength: 'Use 10 to 256 characters.',
  passwordConfirm: 'Confirm password',
  passwordMismatch: 'The two passwords differ.',
  codeInvalid: 'Enter the 6 digits shown in your authenticator app.',
  unknownDevice: 'Unknown browser',
  device: (browser: string, os: string) => `${browser} on ${os}`,

  // Header
  mainNavigation: 'Main',
  navHome: 'Home',
  navUsers: 'Users',
  navSettings: 'Organisation',
  navAccount: 'Account',
  unread: (count: number) => `${count} unread`,
  unreadLabel: (count: number) => plural(count, 'unread notification', 'unread notifications'),
  signOut: 'Sign out',

  // Setup
  setupTitle: 'Set up Gatehouse',
  setupIntro: 'Create your organisation and its first administrator account.',
  setupToken: 'Setup token',
  setupTokenHelp:
    'Copy the token from the setup link that the server printed in its log when it started.',
  setupOrganization: 'Organisation name',
  setupYourName: 'Your name',
  setupSubmit: 'Create organisation',
  setupDone: 'Your organisation is ready. Sign in with the email and password you chose.',
  setupAlreadyDone: 'Gatehouse is already set up.',
  goToSignIn: 'Go to sign-in',

  // Sign-in
  signInTitle: 'Sign in',
  signInSubmit: 'Sign in',
  setupRequired:
    'Gatehouse is not set up yet. Open the setup link that the server printed in its log.',

  // Code step
  codeTitle: 'Two-step verification',
  codeIntro: 'Enter the 6-digit code from your authenticator app.',
  codeLabel: 'Code',
  codeSubmit: 'Verify',
  useRecoveryCode: 'Use a recovery code',
  useAuthenticatorCode: 'Use a code from the authenticator app',
  recoveryIntro: 'Enter one of the recovery codes you saved when you set up two-step verification. Each code works once.',
  recoveryLabel: 'Recovery code',
  recoveryMissing: 'Enter a recovery code.',
  backToSignIn: 'Back to sign-in',

  // Enrolment
  enrollTitle: 'Set up two-step verification',
  enrollIntro: 'Scan this QR code with your authenticator app, then enter the code it shows.',
  enrollDeleteOld:
    'Before you scan, delete the old Gatehouse entry from your authenticator app. Its codes no longer work.',
  enrollKeepOld:
    'Your current key keeps working until you confirm this new one. Once you have, delete the old Gatehouse entry from your authenticator app.',
  enrollQrAltPlain: 'QR code of your two-step verification key',
  enrollKeyLabel: 'Or type this key into the app',
  enrollKeyCopy: 'Copy key',
  enrollExpires: (when: string) => `This key must be set up before ${when}.`,
  enrollCodeLabel: 'Code from the app',
  enrollSubmit: 'Confirm',
  enrollNotNeeded: 'Two-step verification is already set up for your account.',
  enrollGoHome: 'Go to the home page',
  enrollBackToAccount: 'Back to your account',
  recoveryTitle: 'Save your recovery codes',
  recoveryCodesIntro:
    'Each code lets you sign in once without your authenticator app. Keep them somewhere safe: they are shown only now.',
  recoveryCopyAll: 'Copy all codes',
  recoverySaved: 'I have saved these codes',

  // Notifications
  notificationsTitle: 'Notifications',
  notificationsEmpty: 'No notifications.',
  notificationUnread: 'Unread',
  markRead: 'Mark as read',
  reportReset: "This wasn't me",
  reportResetHelp: 'Tell your administrators that you did not expect this new key.',
  resetReported: 'You reported this change. Your administrators were alerted.',

  // Home
  homeTitle: 'Home',
  signedInAs: (name: string, email: string) => `Signed in as ${name} (${email})`,
  twoStepStatus: (status: string) => `Two-step verification: ${status}`,

  // Account
  accountTitle: 'Your account',
  profileHeading: 'Profile',
  passwordHeading: 'Password',
  currentPassword: 'Current password',
  newPassword: 'New password',
  newPasswordConfirm: 'Confirm new password',
  passwordChangeSubmit: 'Change password',
  passwordChanged: 'Your password was changed. Your other sessions were signed out.',
  keyHeading: 'Authenticator key',
  keyIntro:
    'Replace the key in your authenticator app, for example when you move to a new phone. Your current key keeps working until you confirm the new one.',
  keyCodeLabel: 'Current code from your app',
  keySubmit: 'Create a new key',
  keyPending: 'A new key is waiting for you to set it up.',
  keyContinue: 'Continue setting up the new key',
  keyOff: 'Two-step verification is off for your account.',
  keySetUp: 'Set up two-step verification',
  recoveryHeading: 'Recovery codes',
  recoveryReplaceIntro: 'Get ten new recovery codes. The codes you have now stop working at once.',
  recoveryReplaceCodeLabel: 'Current code from your app',
  recoveryReplaceSubmit: 'Get new recovery codes',
  recoveryReplaced:
    'These are your new recovery codes. Save them now: they are shown only once, and your old codes no longer work.',
  sessionsHeading: 'Sessions',
  sessionsIntro: 'Browsers where your account is signed in. Sign out any that you do not recognise.',
  sessionsEmpty: 'No sessions.',
  sessionDevice: 'Browser',
  sessionAddress: 'IP address',
  sessionLastSeen: 'Last seen',
  sessionStarted: 'Started',
  sessionCurrent: 'This browser',
  sessionIncomplete: 'Sign-in not completed',
  sessionRevoke: 'Sign out',
  sessionRevokeLabel: (device: string, address: string) => `Sign out ${device} at ${address}`,
  sessionRevoked: 'The session was signed out.',

  // Users
  usersTitle: 'Users',
  usersSearch: 'Search by name or email',
  usersFilters: 'Filter users',
  filterStatus: 'Status',
  filterRole: 'Role',
  filterAll: 'All',
  statusFilter: {
    active: 'Two-step active',
    pending: 'Two-step pending',
    off: 'Two-step off',
    disabled: 'Disabled accounts',
  },
  roleFilter: { admin: 'Administrators', member: 'Members' },
  perPage: 'Per page',
  usersEmpty: 'No users found.',
  usersCount: (total: number) => plural(total, 'user', 'users'),
  usersPage: (page: number, pages: number) => `Page ${page} of ${pages}`,
  usersPagination: 'Pages',
  previousPage: 'Previous',
  nextPage: 'Next',
  columnName: 'Name',
  columnEmail: 'Email',
  columnRole: 'Role',
  columnTwoStep: 'Two-step',
  columnDisabled: 'Disabled',
  newUser: 'New user',
  newUserTitle: 'New user',
  newUserMethod: 'How the user gets a password',
  newUserInvite: 'Invitation link: they choose their own password',
  newUserTemporary: 'Temporary password, generated in this browser',
  newUserSubmit: 'Create user',
  newUserCreated: (email: string) => `User ${email} was created.`,
  invitationIntro: (email: string, until: string) =>
    `Send this link to ${email}. It works once, until ${until}, and it is shown only now.`,
  invitationLinkLabel: 'Invitation link',
  invitationCopy: 'Copy link',
  temporaryPasswordIntro: (email: string) =>
    `Give this password to ${email} through a safe channel. It is shown only now. They can change it on their account page after they sign in.`,
  temporaryPasswordLabel: 'Temporary password',
  temporaryPasswordCopy: 'Copy password',

  // User page
  userTitle: 'User',
  backToUsers: 'All users',
  userNotFound: 'This user does not exist.',
  userCreated: 'Created',
  userStatus: 'Account',
  userActive: 'Enabled',
  userDisabled: 'Disabled',
  twoStepHeading: 'Two-step verification',
  pendingKeyUntil: (date: string) => `The new key waits to be set up until ${date}.`,
  pendingKeyExpired: (date: string) =>
    `The new key lapsed on ${date} before it was set up. Generate a new one to let this user sign in.`,
  generateKey: 'Generate new key',
  generateKeyTitle: 'Generate a new key?',
  generateKeyExplain: (name: string) =>
    `${name}'s current key stops working and their sessions end. They set up the new key at their next sign-in.`,
  generateKeyReason: 'Reason (optional)',
  generateKeyReasonHelp: 'The user sees this reason in the notice about the new key.',
  generateKeyConfirm: 'Generate new key',
  generateKeyDone: 'A new key is pending; the user will set it up at their next sign-in.',
  roleHeading: 'Role',
  roleChange: 'Change role',
  roleChanged: 'The role was changed.',
  roleConfirmTitle: (name: string, role: Role) =>
    role === 'admin' ? `Make ${name} an administrator?` : `Make ${name} a member?`,
  roleConfirmText: (role: Role): string =>
    role === 'admin'
      ? 'Administrators manage users, their keys and the organisation settings.'
      : 'Members manage only their own account.',
  accountHeading: 'Account',
  disableUser: 'Disable account',
  enableUser: 'Enable account',
  disableConfirmTitle: (name: string) => `Disable ${name}'s account?`,
  disableConfirmText: 'Their sessions end at once, and they cannot sign in until the account is enabled again.',
  enableConfirmTitle: (name: string) => `Enable ${name}'s account?`,
  enableConfirmText: 'They can sign in again with their password and key.',
  userDisabledDone: 'The account was disabled.',
  userEnabledDone: 'The account was enabled.',
  deleteUser: 'Delete user',
  deleteConfirmTitle: (name: string) => `Delete ${name}?`,
  deleteConfirmText: 'The account, its keys, sessions and notifications are removed. This cannot be undone.',
  userDeleted: (email: string) => `User ${email} was deleted.`,
  auditHeading: 'Recent activity',
  auditEmpty: 'No recorded activity.',
  auditWhen: 'When',
  auditAction: 'Action',
  auditActor: 'By',
  auditTarget: 'About',
  auditDetail: 'Detail',
  auditClientIp: 'IP address',
  // Labels of the server's audit actions. An action missing here is shown as its code.
  auditActions: {
    'enrollment.failed': 'Wrong code at key setup',
    'invitation.accepted': 'Invitation accepted',
    'organization.created': 'Organisation created',
    'organization.updated': 'Organisation settings changed',
    'password.change_failed': 'Wrong password at password change',
    'password.changed': 'Password changed',
    'recovery_codes.replaced': 'New recovery codes',
    'session.revoked': 'Session signed out',
    'session.step_up': 'Identity confirmed with a code',
    'signin.failed': 'Sign-in failed',
    'signin.succeeded': 'Signed in',
    'signin.throttled': 'Sign-in blocked after too many attempts',
    'totp.enrolled': 'Key set up',
    'totp.regenerated_own': 'New key requested by the user',
    'totp.reset': 'New key generated',
    'totp.reset_reported': 'New key reported as unexpected',
    'user.created': 'User created',
    'user.deleted': 'User deleted',
    'user.invited': 'User invited',
    'user.updated': 'User changed',
  } as Record<string, string>,

  // Organisation settings
  settingsTitle: 'Organisation settings',
  policyLegend: 'Who must use two-step verification',
  policyAll: 'Everyone',
  policyAdmins: 'Administrators only',
  policyHelp:
    'With "Administrators only", members who have not set up two-step verification sign in with their password alone.',
  pendingKeyHours: 'Hours to set up a new key',
  pendingKeyHoursHelp:
    'From 1 to 720 (30 days). A new key that is not set up within this time expires, and the user needs another one.',
  pendingKeyHoursInvalid: 'Enter a whole number of hours from 1 to 720.',
  settingsSubmit: 'Save settings',
  settingsSaved: 'The settings were saved.',

  // Invitation
  inviteTitle: 'Accept your invitation',
  inviteIntro: (name: string) =>
    `Welcome, ${name}. Choose a password for your account. Then you sign in and set up two-step verification.`,
  inviteMissingToken: 'This invitation link is incomplete. Open the whole link from your invitation.',
  inviteSubmit: 'Set password',
  invitationAccepted: 'Your password is set. Sign in with it to set up two-step verification.',

  // Step-up
  stepUpTitle: 'Confirm it is you',
  stepUpIntro: 'This action needs a fresh code. Enter the current code from your authenticator app.',
  stepUpSubmit: 'Continue',

  // Not found
  notFoundTitle: 'Page not found',
  notFoundText: 'There is nothing at this address.',
};

export type Messages = typeof en;
