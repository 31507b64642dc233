// Spanish catalogue. The Messages type makes the compiler reject a missing or extra entry.
// Sentences that the server sends (errors, notifications) stay in the server's language.

import type { Role } from '../types';
import type { Messages } from './en';

function plural(count: number, singular: string, pluralForm: string): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

export const es: Messages = {
  appName: 'Gatehouse',
  skipToContent: 'Saltar al contenido',
  language: 'Idioma',

  // Shared
  loading: 'Cargando…',
  cancel: 'Cancelar',
  done: 'Hecho',
  copied: 'Copiado',
  copyFailed: 'No se pudo copiar. Selecciona el texto y cópialo a mano.',
  email: 'Correo electrónico',
  password: 'Contraseña',
  name: 'Nombre',
  role: 'Rol',
  organization: 'Organización',
  roles: { admin: 'Administrador', member: 'Miembro' },
  totpStatus: { active: 'Activa', pending: 'Pendiente', off: 'Desactivada' },
  yes: 'Sí',
  no: 'No',
  networkError: 'No se pudo conectar con el servidor. Comprueba tu conexión y vuelve a intentarlo.',
  requestFailed: (status: number) => `La solicitud falló (HTTP ${status}). Vuelve a intentarlo.`,
  sessionEnded: 'Tu sesión ha terminado. Vuelve a iniciar sesión.',
  signedOut: 'Has cerrado la sesión.',
  tooManyAttempts: (seconds: number) =>
    seconds >= 120
      ? `Demasiados intentos. Vuelve a intentarlo en ${plural(Math.ceil(seconds / 60), 'minuto', 'minutos')}.`
      : `Demasiados intentos. Vuelve a intentarlo en ${plural(Math.max(seconds, 1), 'segundo', 'segundos')}.`,
  formatDate: (iso: string) => {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return date.toLocaleString('es', { dateStyle: 'medium', timeStyle: 'short' });
  },
  passwordLength: 'Usa entre 10 y 256 caracteres.',
  passwordConfirm: 'Confirmar contraseña',
  passwordMismatch: 'Las dos contraseñas no coinciden.',
  codeInvalid: 'Escribe los 6 dígitos que muestra tu aplicación de autenticación.',
  unknownDevice: 'Navegador desconocido',
  device: (browser: string, os: string) => `${browser} en ${os}`,

  // Header
  mainNavigation: 'Principal',
  navHome: 'Inicio',
  navUsers: 'Usuarios',
  navSettings: 'Organización',
  navAccount: 'Cuenta',
  unread: (count: number) => `${count} sin leer`,
  // The accessible name contains the visible text ("1 sin leer"), as WCAG 2.5.3 (Label in Name) requires.
  unreadLabel: (count: number) => `Notificaciones: ${count} sin leer`,
  signOut: 'Cerrar sesión',

  // Setup
  setupTitle: 'Configurar Gatehouse',
  setupIntro: 'Crea tu organización y su primera cuenta de administrador.',
  setupToken: 'Token de configuración',
  setupTokenHelp:
    'Copia el token del enlace de configuración que el servidor escribió en su registro al arrancar.',
  setupOrganization: 'Nombre de la organización',
  setupYourName: 'Tu nombre',
  setupSubmit: 'Crear organización',
  setupDone: 'Tu organización está lista. Inicia sesión con el correo y la contraseña que elegiste.',
  setupAlreadyDone: 'Gatehouse ya está configurado.',
  goToSignIn: 'Ir a iniciar sesión',

  // Sign-in
  signInTitle: 'Iniciar sesión',
  signInSubmit: 'Iniciar sesión',
  setupRequired:
    'Gatehouse aún no está configurado. Abre el enlace de configuración que el servidor escribió en su registro.',

  // Code step
  codeTitle: 'Verificación en dos pasos',
  codeIntro: 'Escribe el código de 6 dígitos de tu aplicación de autenticación.',
  codeLabel: 'Código',
  codeSubmit: 'Verificar',
  useRecoveryCode: 'Usar un código de recuperación',
  useAuthenticatorCode: 'Usar un código de la aplicación de autenticación',
  recoveryIntro:
    'Escribe uno de los códigos de recuperación que guardaste al configurar la verificación en dos pasos. Cada código funciona una vez.',
  recoveryLabel: 'Código de recuperación',
  recoveryMissing: 'Escribe un código de recuperación.',
  backToSignIn: 'Volver a iniciar sesión',

  // Enrolment
  enrollTitle: 'Configurar la verificación en dos pasos',
  enrollIntro: 'Escanea este código QR con tu aplicación de autenticación y escribe el código que muestre.',
  enrollDeleteOld:
    'Antes de escanear, borra la entrada antigua de Gatehouse de tu aplicación de autenticación. Sus códigos ya no funcionan.',
  enrollKeepOld:
    'Tu clave actual sigue funcionando hasta que confirmes esta nueva. Después, borra la entrada antigua de Gatehouse de tu aplicación de autenticación.',
  enrollQrAltPlain: 'Código QR de tu clave de verificación en dos pasos',
  enrollKeyLabel: 'O escribe esta clave en la aplicación',
  enrollKeyCopy: 'Copiar clave',
  enrollExpires: (when: string) => `Debes configurar esta clave antes del ${when}.`,
  enrollCodeLabel: 'Código de la aplicación',
  enrollSubmit: 'Confirmar',
  enrollNotNeeded: 'La verificación en dos pasos ya está configurada en tu cuenta.',
  enrollGoHome: 'Ir a la página de inicio',
  enrollBackToAccount: 'Volver a tu cuenta',
  recoveryTitle: 'Guarda tus códigos de recuperación',
  recoveryCodesIntro:
    'Cada código te permite iniciar sesión una vez sin tu aplicación de autenticación. Guárdalos en un lugar seguro: solo se muestran ahora.',
  recoveryCopyAll: 'Copiar todos los códigos',
  recoverySaved: 'He guardado estos códigos',

  // Notifications
  notificationsTitle: 'Notificaciones',
  notificationsEmpty: 'No hay notificaciones.',
  notificationUnread: 'Sin leer',
  markRead: 'Marcar como leída',
  reportReset: 'No fui yo',
  reportResetHelp: 'Avisa a tus administradores de que no esperabas esta clave nueva.',
  resetReported: 'Has informado de este cambio. Se ha avisado a tus administradores.',

  // Home
  homeTitle: 'Inicio',
  signedInAs: (name: string, email: string) => `Has iniciado sesión como ${name} (${email})`,
  twoStepStatus: (status: string) => `Verificación en dos pasos: ${status}`,

  // Account
  accountTitle: 'Tu cuenta',
  profileHeading: 'Perfil',
  passwordHeading: 'Contraseña',
  currentPassword: 'Contraseña actual',
  newPassword: 'Contraseña nueva',
  newPasswordConfirm: 'Confirmar contraseña nueva',
  passwordChangeSubmit: 'Cambiar contraseña',
  passwordChanged: 'Tu contraseña se ha cambiado. Se han cerrado tus otras sesiones.',
  keyHeading: 'Clave de autenticación',
  keyIntro:
    'Sustituye la clave de tu aplicación de autenticación, por ejemplo al cambiar de teléfono. Tu clave actual sigue funcionando hasta que confirmes la nueva.',
  keyCodeLabel: 'Código actual de tu aplicación',
  keySubmit: 'Crear una clave nueva',
  keyPending: 'Tienes una clave nueva pendiente de configurar.',
  keyContinue: 'Seguir configurando la clave nueva',
  keyOff: 'La verificación en dos pasos está desactivada en tu cuenta.',
  keySetUp: 'Configurar la verificación en dos pasos',
  recoveryHeading: 'Códigos de recuperación',
  recoveryReplaceIntro: 'Obtén diez códigos de recuperación nuevos. Los códigos que tienes ahora dejan de funcionar al momento.',
  recoveryReplaceCodeLabel: 'Código actual de tu aplicación',
  recoveryReplaceSubmit: 'Obtener códigos nuevos',
  recoveryReplaced:
    'Estos son tus códigos de recuperación nuevos. Guárdalos ahora: solo se muestran una vez, y los antiguos ya no funcionan.',
  sessionsHeading: 'Sesiones',
  sessionsIntro: 'Navegadores en los que tu cuenta tiene la sesión iniciada. Cierra las que no reconozcas.',
  sessionsEmpty: 'No hay sesiones.',
  sessionDevice: 'Navegador',
  sessionAddress: 'Dirección IP',
  sessionLastSeen: 'Última actividad',
  sessionStarted: 'Inicio',
  sessionCurrent: 'Este navegador',
  sessionIncomplete: 'Inicio de sesión sin completar',
  sessionRevoke: 'Cerrar sesión',
  sessionRevokeLabel: (device: string, address: string) => `Cerrar sesión: ${device} en ${address}`,
  sessionRevoked: 'Se ha cerrado la sesión.',

  // Users
  usersTitle: 'Usuarios',
  usersSearch: 'Buscar por nombre o correo',
  usersFilters: 'Filtrar usuarios',
  filterStatus: 'Estado',
  filterRole: 'Rol',
  filterAll: 'Todos',
  statusFilter: {
    active: 'Dos pasos activa',
    pending: 'Dos pasos pendiente',
    off: 'Dos pasos desactivada',
    disabled: 'Cuentas desactivadas',
  },
  roleFilter: { admin: 'Administradores', member: 'Miembros' },
  perPage: 'Por página',
  usersEmpty: 'No se encontraron usuarios.',
  usersCount: (total: number) => plural(total, 'usuario', 'usuarios'),
  usersPage: (page: number, pages: number) => `Página ${page} de ${pages}`,
  usersPagination: 'Páginas',
  previousPage: 'Anterior',
  nextPage: 'Siguiente',
  columnName: 'Nombre',
  columnEmail: 'Correo',
  columnRole: 'Rol',
  columnTwoStep: 'Dos pasos',
  columnDisabled: 'Desactivada',
  newUser: 'Nuevo usuario',
  newUserTitle: 'Nuevo usuario',
  newUserMethod: 'Cómo obtiene el usuario su contraseña',
  newUserInvite: 'Enlace de invitación: elige su propia contraseña',
  newUserTemporary: 'Contraseña temporal, generada en este navegador',
  newUserSubmit: 'Crear usuario',
  newUserCreated: (email: string) => `Se ha creado el usuario ${email}.`,
  invitationIntro: (email: string, until: string) =>
    `Envía este enlace a ${email}. Funciona una vez, hasta el ${until}, y solo se muestra ahora.`,
  invitationLinkLabel: 'Enlace de invitación',
  invitationCopy: 'Copiar enlace',
  temporaryPasswordIntro: (email: string) =>
    `Da esta contraseña a ${email} por un canal seguro. Solo se muestra ahora. Podrá cambiarla en la página de su cuenta después de iniciar sesión.`,
  temporaryPasswordLabel: 'Contraseña temporal',
  temporaryPasswordCopy: 'Copiar contraseña',

  // User page
  userTitle: 'Usuario',
  backToUsers: 'Todos los usuarios',
  userNotFound: 'Este usuario no existe.',
  userCreated: 'Creado',
  userStatus: 'Cuenta',
  userActive: 'Activada',
  userDisabled: 'Desactivada',
  twoStepHeading: 'Verificación en dos pasos',
  pendingKeyUntil: (date: string) => `La clave nueva espera a que se configure hasta el ${date}.`,
  pendingKeyExpired: (date: string) =>
    `La clave nueva caducó el ${date} sin configurarse. Genera otra para que este usuario pueda iniciar sesión.`,
  generateKey: 'Generar clave nueva',
  generateKeyTitle: '¿Generar una clave nueva?',
  generateKeyExplain: (name: string) =>
    `La clave actual de ${name} deja de funcionar y sus sesiones terminan. Configurará la clave nueva la próxima vez que inicie sesión.`,
  generateKeyReason: 'Motivo (opcional)',
  generateKeyReasonHelp: 'El usuario ve este motivo en el aviso sobre la clave nueva.',
  generateKeyConfirm: 'Generar clave nueva',
  generateKeyDone: 'Hay una clave nueva pendiente; el usuario la configurará la próxima vez que inicie sesión.',
  roleHeading: 'Rol',
  roleChange: 'Cambiar rol',
  roleChanged: 'Se ha cambiado el rol.',
  roleConfirmTitle: (name: string, role: Role) =>
    role === 'admin' ? `¿Hacer administrador a ${name}?` : `¿Hacer miembro a ${name}?`,
  roleConfirmText: (role: Role) =>
    role === 'admin'
      ? 'Los administradores gestionan los usuarios, sus claves y la configuración de la organización.'
      : 'Los miembros solo gestionan su propia cuenta.',
  accountHeading: 'Cuenta',
  disableUser: 'Desactivar cuenta',
  enableUser: 'Activar cuenta',
  disableConfirmTitle: (name: string) => `¿Desactivar la cuenta de ${name}?`,
  disableConfirmText: 'Sus sesiones terminan al momento y no podrá iniciar sesión hasta que se vuelva a activar la cuenta.',
  enableConfirmTitle: (name: string) => `¿Activar la cuenta de ${name}?`,
  enableConfirmText: 'Podrá volver a iniciar sesión con su contraseña y su clave.',
  userDisabledDone: 'Se ha desactivado la cuenta.',
  userEnabledDone: 'Se ha activado la cuenta.',
  deleteUser: 'Eliminar usuario',
  deleteConfirmTitle: (name: string) => `¿Eliminar a ${name}?`,
  deleteConfirmText: 'Se eliminan la cuenta, sus claves, sesiones y notificaciones. No se puede deshacer.',
  userDeleted: (email: string) => `Se ha eliminado el usuario ${email}.`,
  auditHeading: 'Actividad reciente',
  auditEmpty: 'No hay actividad registrada.',
  auditWhen: 'Cuándo',
  auditAction: 'Acción',
  auditActor: 'Por',
  auditTarget: 'Sobre',
  auditDetail: 'Detalle',
  auditClientIp: 'Dirección IP',
  auditActions: {
    'enrollment.failed': 'Código incorrecto al configurar la clave',
    'invitation.accepted': 'Invitación aceptada',
    'organization.created': 'Organización creada',
    'organization.updated': 'Configuración de la organización cambiada',
    'password.change_failed': 'Contraseña incorrecta al cambiarla',
    'password.changed': 'Contraseña cambiada',
    'recovery_codes.replaced': 'Códigos de recuperación nuevos',
    'session.revoked': 'Sesión cerrada',
    'session.step_up': 'Identidad confirmada con un código',
    'signin.failed': 'Inicio de sesión fallido',
    'signin.succeeded': 'Inicio de sesión',
    'signin.throttled': 'Inicio de sesión bloqueado tras demasiados intentos',
    'totp.enrolled': 'Clave configurada',
    'totp.regenerated_own': 'Clave nueva pedida por el usuario',
    'totp.reset': 'Clave nueva generada',
    'totp.reset_reported': 'Clave nueva señalada como inesperada',
    'user.created': 'Usuario creado',
    'user.deleted': 'Usuario eliminado',
    'user.invited': 'Usuario invitado',
    'user.updated': 'Usuario cambiado',
  },

  // Organisation settings
  settingsTitle: 'Configuración de la organización',
  policyLegend: 'Quién debe usar la verificación en dos pasos',
  policyAll: 'Todos',
  policyAdmins: 'Solo los administradores',
  policyHelp:
    'Con «Solo los administradores», los miembros que no hayan configurado la verificación en dos pasos inician sesión solo con su contraseña.',
  pendingKeyHours: 'Horas para configurar una clave nueva',
  pendingKeyHoursHelp:
    'De 1 a 720 (30 días). Una clave nueva que no se configura en ese tiempo caduca, y el usuario necesita otra.',
  pendingKeyHoursInvalid: 'Escribe un número entero de horas entre 1 y 720.',
  settingsSubmit: 'Guardar configuración',
  settingsSaved: 'Se ha guardado la configuración.',

  // Invitation
  inviteTitle: 'Acepta tu invitación',
  inviteIntro: (name: string) =>
    `Te damos la bienvenida, ${name}. Elige una contraseña para tu cuenta. Después iniciarás sesión y configurarás la verificación en dos pasos.`,
  inviteMissingToken: 'Este enlace de invitación está incompleto. Abre el enlace entero de tu invitación.',
  inviteSubmit: 'Guardar contraseña',
  invitationAccepted: 'Tu contraseña está guardada. Inicia sesión con ella para configurar la verificación en dos pasos.',

  // Step-up
  stepUpTitle: 'Confirma que eres tú',
  stepUpIntro: 'Esta acción necesita un código reciente. Escribe el código actual de tu aplicación de autenticación.',
  stepUpSubmit: 'Continuar',

  // Not found
  notFoundTitle: 'Página no encontrada',
  notFoundText: 'No hay nada en esta dirección.',
};
