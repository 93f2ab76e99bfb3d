// @latchkey/react/locales/de: every string of the kit in German, for
// `<LatchkeyProvider labels={de}>`. Its own entry, so the main one stays the same size.
import type { LatchkeyLabels } from '../provider/latchkey-labels.js';

/**
 * The kit in German (formal "Sie"), dates included (`locale: 'de'`). Override any
 * string with a component's `labels` prop, or spread it into your own set:
 * `{ ...de, passkeySignIn: { ...de.passkeySignIn, submit: 'Anmelden' } }`.
 *
 * @example
 * import { LatchkeyProvider } from '@latchkey/react';
 * import { de } from '@latchkey/react/locales/de';
 *
 * <LatchkeyProvider baseUrl="/auth" labels={de}>
 *   <App />
 * </LatchkeyProvider>
 */
export const de = {
  locale: 'de',
  errors: {
    CEREMONY_CANCELLED: 'Die Passkey-Anfrage wurde abgebrochen.',
    WEBAUTHN_UNSUPPORTED: 'Dieser Browser unterstützt keine Passkeys.',
    NETWORK_ERROR:
      'Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    RATE_LIMITED: 'Zu viele Versuche. Warten Sie einen Moment und versuchen Sie es erneut.',
    UNKNOWN_CREDENTIAL: 'Dieser Passkey ist hier nicht bekannt.',
    CREDENTIAL_PENDING:
      'Dieser Passkey wartet auf die Freigabe durch eines Ihrer vertrauenswürdigen Geräte.',
    AUTHENTICATOR_NOT_ALLOWED:
      'Diese Art von Passkey oder Sicherheitsschlüssel wird hier nicht akzeptiert.',
    CREDENTIAL_EXISTS: 'Dieses Gerät hat bereits einen Passkey für Ihr Konto.',
    LAST_CREDENTIAL:
      'Das ist Ihr einziger Passkey. Fügen Sie einen weiteren hinzu, bevor Sie ihn entfernen.',
    UNAUTHENTICATED: 'Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an.',
    SIGN_UP_CLOSED: 'Die Registrierung ist geschlossen.',
    EMAIL_TAKEN: 'Für diese E-Mail-Adresse gibt es bereits ein Konto.',
  },
  passkeySignIn: {
    email: 'E-Mail',
    emailHint: 'Optional: Lassen Sie das Feld leer, um einen Passkey auszuwählen.',
    submit: 'Mit Passkey anmelden',
    pending: 'Folgen Sie der Aufforderung Ihres Geräts …',
    success: 'Angemeldet.',
    failed: 'Die Anmeldung ist fehlgeschlagen.',
    unsupported:
      'Dieser Browser kann keine Passkeys verwenden. Versuchen Sie es mit einem aktuellen Browser oder einem anderen Gerät.',
    unsupportedFallback:
      'Dieser Browser kann keine Passkeys verwenden. Melden Sie sich auf anderem Weg an.',
    fallback: 'Weitere Wege zur Anmeldung',
    errors: {},
  },
  passkeyEnrolButton: {
    enrol: 'Passkey erstellen',
    pending: 'Folgen Sie der Aufforderung Ihres Geräts …',
    success: 'Passkey erstellt.',
    failed: 'Der Passkey konnte nicht erstellt werden.',
    unsupported:
      'Dieser Browser kann keine Passkeys verwenden. Versuchen Sie es mit einem aktuellen Browser oder einem anderen Gerät.',
    noPlatformAuthenticator:
      'Dieses Gerät hat keine eingebaute Passkey-Unterstützung: Sie können ein Smartphone oder einen Sicherheitsschlüssel verwenden.',
    errors: {},
    recoveryCodes: {},
  },
  passkeyList: {
    title: 'Passkeys',
    loading: 'Passkeys werden geladen …',
    empty: 'Noch keine Passkeys.',
    failed: 'Ihre Passkeys konnten nicht geladen werden.',
    retry: 'Erneut versuchen',
    synced: 'Synchronisiert',
    deviceBound: 'Nur dieses Gerät',
    notBackedUp: 'Nicht gesichert',
    pending: 'Wartet auf Freigabe',
    created: (date, browser, os) => `Erstellt am ${date} mit ${browser} auf ${os}`,
    lastUsed: (date) => `Zuletzt verwendet am ${date}`,
    neverUsed: 'Noch nie verwendet',
    rename: 'Umbenennen',
    nameField: 'Name des Passkeys',
    save: 'Speichern',
    cancel: 'Abbrechen',
    renamed: (name) => `Umbenannt in ${name}.`,
    remove: 'Entfernen',
    confirmRemove: (name) => `${name} entfernen? Sie können sich dann nicht mehr damit anmelden.`,
    confirm: 'Passkey entfernen',
    keep: 'Behalten',
    removed: (name) => `${name} entfernt.`,
    actionFailed: 'Das hat nicht geklappt. Versuchen Sie es erneut.',
    errors: {},
  },
  pairPrompt: {
    title: 'Einen Passkey auf diesem Gerät verwenden',
    description: 'Dieses Gerät hat noch keinen Passkey für diese Website.',
    enrolHere: 'Hier einen Passkey erstellen',
    pair: 'Mit einem vertrauenswürdigen Gerät koppeln',
    dismiss: 'Nicht jetzt',
    starting: 'Kopplungscode wird angefordert …',
    enterCode:
      'Öffnen Sie auf einem Gerät, auf dem Sie angemeldet sind, Ihre Passkey-Einstellungen und geben Sie diesen Code ein:',
    checkCode:
      'Das freigebende Gerät zeigt diesen Code noch einmal an: Geben Sie nur frei, wenn er genau gleich ist. Senden Sie ihn niemandem.',
    waiting: 'Warten auf Freigabe …',
    cancel: 'Abbrechen',
    approved: 'Freigegeben. Erstellen Sie zum Abschluss einen Passkey auf diesem Gerät.',
    denied: 'Das andere Gerät hat die Anfrage abgelehnt.',
    expired: 'Der Code ist abgelaufen, bevor er freigegeben wurde.',
    failed: 'Die Kopplung hat nicht funktioniert.',
    retry: 'Erneut versuchen',
    enrolled: 'Dieses Gerät hat jetzt einen Passkey.',
    done: 'Fertig',
    errors: {},
    enrolButton: {},
    recoveryCodes: {},
  },
  recoveryCodes: {
    title: 'Wiederherstellungscodes',
    description:
      'Jeder Code meldet Sie einmal an, falls Sie Ihre Passkeys verlieren. Bewahren Sie sie sicher auf: Sie werden nur dieses eine Mal angezeigt.',
    copy: 'Codes kopieren',
    copied: 'Codes in die Zwischenablage kopiert.',
    copyFailed: 'Kopieren nicht möglich. Markieren Sie die Codes und kopieren Sie sie selbst.',
    download: 'Als .txt herunterladen',
    acknowledge: 'Ich habe diese Codes gespeichert',
    continue: 'Weiter',
    remaining: (count) =>
      count === 1
        ? 'Noch 1 Wiederherstellungscode übrig.'
        : `Noch ${count} Wiederherstellungscodes übrig.`,
    regenerate: 'Neue Codes erzeugen',
    regenerateHint: 'Neue Codes ersetzen die alten, die dann nicht mehr funktionieren.',
    regenerating: 'Wird erzeugt …',
    loading: 'Wiederherstellungscodes werden geladen …',
    failed: 'Ihre Wiederherstellungscodes konnten nicht geladen werden.',
    errors: {},
  },
  pendingApprovals: {
    title: 'Geräte, die auf Freigabe warten',
    loading: 'Wird geladen …',
    empty: 'Keine Geräte warten auf Freigabe.',
    failed: 'Die Geräte, die auf Freigabe warten, konnten nicht geladen werden.',
    retry: 'Erneut versuchen',
    requested: (date, browser, os) => `Hinzugefügt am ${date} von ${browser} auf ${os}`,
    approve: 'Freigeben',
    deny: 'Ablehnen',
    approved: (name) => `${name} freigegeben. Es kann sich jetzt anmelden.`,
    denied: (name) => `${name} abgelehnt. Sein Passkey wurde entfernt.`,
    actionFailed: 'Das hat nicht geklappt. Versuchen Sie es erneut.',
    errors: {},
  },
  tierUpgrade: {
    upgrade: 'Sitzungen an meine Geräte binden',
    downgrade: 'Sitzungen nicht mehr binden',
    pending: 'Bestätigen Sie mit Ihrem Passkey …',
    standardDescription:
      'Die Bindung verknüpft jede neue Anmeldung mit einem Schlüssel, den dieser Browser aufbewahrt: Ein kopiertes Sitzungs-Cookie ist anderswo nutzlos.',
    lockedDescription:
      'Sitzungen sind gebunden: Jede funktioniert nur in dem Browser, in dem Sie sich angemeldet haben. Ein kopiertes Cookie wird abgewiesen.',
    upgraded: 'Sitzungen sind jetzt an Ihre Geräte gebunden.',
    downgraded: 'Sitzungen sind nicht mehr gebunden.',
    failed: 'Der Schutz der Sitzungen konnte nicht geändert werden.',
    errors: {
      POP_REQUIRED:
        'Dieser Browser kann keinen Geräteschlüssel aufbewahren (privates Fenster?) und daher keine Sitzungen binden.',
      STEP_UP_REQUIRED: 'Bestätigen Sie die Änderung mit Ihrem Passkey.',
    },
  },
  passkeyKeyUnlock: {
    warning:
      'Ihre Daten sind mit einem Schlüssel verschlüsselt, den nur Ihre Passkeys erzeugen können. Wir können ihn nicht wiederherstellen: Verlieren Sie jeden Passkey, der ihn entsperrt, sind die Daten für immer verloren. Fügen Sie einen zweiten Passkey hinzu.',
    unlock: 'Mit Ihrem Passkey entsperren',
    create: 'Verschlüsselung mit Ihrem Passkey einrichten',
    unlocking: 'Folgen Sie der Aufforderung Ihres Geräts …',
    unlocked: 'Entsperrt.',
    created: 'Die Verschlüsselung ist eingerichtet und entsperrt.',
    lock: 'Sperren',
    checking: 'Es wird geprüft, was Ihre Passkeys können …',
    unsupportedBrowser:
      'Dieser Browser kann keine Schlüssel aus Passkeys ableiten. Versuchen Sie es mit einem aktuellen Chrome, Edge, Safari oder Firefox.',
    noPrfPasskey:
      'Keiner Ihrer Passkeys für diese Website kann Schlüssel ableiten. Fügen Sie einen Passkey von einem Gerät hinzu, das dies unterstützt.',
    enrol: 'Auch mit einem anderen Passkey entsperren',
    enrolling: 'Verwenden Sie jetzt den anderen Passkey …',
    enrolled: 'Dieser Passkey entsperrt Ihre Daten jetzt ebenfalls.',
    failed: 'Entsperren nicht möglich.',
    errors: {
      PRF_UNSUPPORTED: 'Dieser Passkey kann keine Schlüssel ableiten. Verwenden Sie einen anderen.',
      PRF_KEY_NOT_ENROLLED:
        'Dieser Passkey entsperrt Ihre Daten noch nicht. Entsperren Sie mit einem anderen Passkey und fügen Sie dann diesen hinzu.',
      DECRYPTION_FAILED: 'Dieser Passkey hat Ihren Datenschlüssel nicht geöffnet.',
      NOT_FOUND:
        'Es gibt keinen weiteren Passkey zum Hinzufügen. Erstellen Sie zuerst einen auf einem anderen Gerät.',
    },
  },
  emailLinkSignIn: {
    email: 'E-Mail',
    submit: 'Anmeldelink per E-Mail senden',
    pending: 'Wird gesendet …',
    sent: (email) =>
      `Falls ${email} zu einem Konto gehört, ist ein Anmeldelink unterwegs. Er gilt 15 Minuten und nur einmal.`,
    missing: 'Geben Sie Ihre E-Mail-Adresse ein.',
    failed: 'Der Anmeldelink konnte nicht gesendet werden. Versuchen Sie es erneut.',
    errors: {
      INVALID_BODY: 'Das sieht nicht wie eine E-Mail-Adresse aus.',
    },
  },
  emailLinkLanding: {
    title: 'E-Mail-Link',
    verifying: 'Ihr Link wird geprüft …',
    missing: 'Diese Seite öffnet den Link aus Ihrer E-Mail; in dieser Adresse steckt kein Link.',
    confirmPrompt:
      'Dieser Anmeldelink wurde in einem anderen Browser angefordert. Melden Sie sich hier nur an, wenn Sie den Link selbst angefordert haben.',
    confirm: 'In diesem Browser anmelden',
    signedIn: 'Sie sind angemeldet. Fügen Sie zum Abschluss einen Passkey auf diesem Gerät hinzu.',
    verified: 'Ihre E-Mail-Adresse ist bestätigt.',
    failed: 'Dieser Link lässt sich nicht öffnen. Fordern Sie einen neuen an.',
    errors: {
      LINK_INVALID:
        'Dieser Link ist abgelaufen oder wurde schon benutzt. Fordern Sie einen neuen an.',
    },
  },
  fallbackSettings: {
    legend: 'Weitere Wege zur Anmeldung',
    recoveryCodes: 'Wiederherstellungscodes',
    magicLink: 'Anmeldelink per E-Mail',
    password: 'Passwort',
    passwordNotSet: 'Sie haben noch kein Passwort festgelegt.',
    none: 'Dieser Dienst bietet außer einem Passkey keinen Weg zur Anmeldung an.',
    loading: 'Ihre Einstellungen werden geladen …',
    save: 'Speichern',
    saving: 'Wird gespeichert …',
    saved: 'Ihre Auswahl ist gespeichert.',
    loadFailed: 'Ihre Einstellungen konnten nicht geladen werden. Versuchen Sie es erneut.',
    failed: 'Ihre Auswahl konnte nicht gespeichert werden. Versuchen Sie es erneut.',
    errors: {
      FALLBACK_UNAVAILABLE: 'Dieser Dienst bietet diesen Weg zur Anmeldung nicht an.',
      STEP_UP_REQUIRED: 'Bestätigen Sie mit Ihrem Passkey, um diese Einstellungen zu ändern.',
    },
  },
} satisfies LatchkeyLabels;
