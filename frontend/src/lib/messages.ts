// Every string the app shows a person, so that another language can be added
// by writing a second catalogue of the same shape and choosing it in `messages`.

function plural(count: number, singular: string, pluralForm: string): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

const en = {
  appName: 'Gatehouse',
  skipToContent: 'Skip to content',

  // Shared
  loading: 'Loading…',
  cancel: 'Cancel',
  copied: 'Copied',
  copyFailed: 'Copying failed. Select the text and copy it by hand.',
  email: 'Email',
  password: 'Password',
  name: 'Name',
  role: 'Role',
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
  codeInvalid: 'Enter the 6 digits shown in your authenticator app.',

  // Header
  mainNavigation: 'Main',
  navHome: 'Home',
  navUsers: 'Users',
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
  passwordConfirm: 'Confirm password',
  passwordMismatch: 'The two passwords differ.',
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
  enrollQrAltPlain: 'QR code of your two-step verification key',
  enrollKeyLabel: 'Or type this key into the app',
  enrollKeyCopy: 'Copy key',
  enrollExpires: (when: string) => `This key must be set up before ${when}.`,
  enrollCodeLabel: 'Code from the app',
  enrollSubmit: 'Confirm',
  enrollNotNeeded: 'Two-step verification is already set up for your account.',
  enrollGoHome: 'Go to the home page',
  recoveryTitle: 'Save your recovery codes',
  recoveryCodesIntro:
    'Each code lets you sign in once without your authenticator app. Keep them somewhere safe: they are shown only now.',
  recoveryCopyAll: 'Copy all codes',
  recoverySaved: 'I have saved these codes',

  // Home
  homeTitle: 'Home',
  signedInAs: (name: string, email: string) => `Signed in as ${name} (${email})`,
  notificationsTitle: 'Notifications',
  notificationsEmpty: 'No notifications.',
  notificationUnread: 'Unread',
  markRead: 'Mark as read',
  twoStepStatus: (status: string) => `Two-step verification: ${status}`,

  // Users
  usersTitle: 'Users',
  usersSearch: 'Search by name or email',
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
  newUserSubmit: 'Create user',
  newUserCreated: (email: string) => `User ${email} was created.`,

  // User page
  userTitle: 'User',
  backToUsers: 'All users',
  userNotFound: 'This user does not exist.',
  userCreated: 'Created',
  userStatus: 'Account',
  userActive: 'Enabled',
  userDisabled: 'Disabled',
  twoStepHeading: 'Two-step verification',
  generateKey: 'Generate new key',
  generateKeyTitle: 'Generate a new key?',
  generateKeyExplain: (name: string) =>
    `${name}'s current key stops working and their sessions end. They set up the new key at their next sign-in.`,
  generateKeyReason: 'Reason (optional)',
  generateKeyConfirm: 'Generate new key',
  generateKeyDone: 'A new key is pending; the user will set it up at their next sign-in.',
  roleHeading: 'Role',
  roleChange: 'Change role',
  roleChanged: 'The role was changed.',
  accountHeading: 'Account',
  disableUser: 'Disable account',
  enableUser: 'Enable account',
  userDisabledDone: 'The account was disabled.',
  userEnabledDone: 'The account was enabled.',
  auditHeading: 'Recent activity',
  auditEmpty: 'No recorded activity.',
  auditWhen: 'When',
  auditAction: 'Action',
  auditActor: 'By',
  auditDetail: 'Detail',
  auditClientIp: 'IP address',

  // Step-up
  stepUpTitle: 'Confirm it is you',
  stepUpIntro: 'This action needs a fresh code. Enter the current code from your authenticator app.',
  stepUpSubmit: 'Continue',

  // Not found
  notFoundTitle: 'Page not found',
  notFoundText: 'There is nothing at this address.',
};

export type Messages = typeof en;

/** The catalogue in use. A second language would be chosen here, for example from navigator.language. */
export const messages: Messages = en;
