/**
 * The one catalogue of error codes the API answers with: each code, the HTTP status it always
 * carries and its default message. The API's error helpers take only these codes, and the web
 * switches on the same `ErrorCode` type, so a renamed or retired code breaks the build, not a screen.
 */
export const ERRORS = {
  // 400 — the request itself is not valid
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  BAD_REQUEST: { status: 400, message: 'The request is not valid' },
  CURSOR_INVALID: { status: 400, message: 'Use the nextCursor of the previous page' },
  FILE_REQUIRED: { status: 400, message: 'Attach a file' },
  BATCH_TOO_LARGE: { status: 400, message: 'Too many submissions at once' },
  NIN_DEFERRED_WITH_NIN: { status: 400, message: 'ninDeferred is set but a NIN was given' },
  PASSWORD_UNCHANGED: { status: 400, message: 'The new password is the same as the current one' },
  PASSWORD_INCORRECT: { status: 400, message: 'The current password is not correct' },
  PASSWORD_TOO_WEAK: { status: 400, message: 'This password is too easy to guess' },
  TOKEN_INVALID: { status: 400, message: 'This link is not valid or was already used' },
  PARTNER_KEY_IN_QUERY: { status: 400, message: 'Send the key in the Authorization header only, never in the URL' },
  /** A registration reference that is not one (wrong shape, or a typo its check character caught). */
  REFERENCE_INVALID: { status: 400, message: 'This is not a valid registration reference (like OY-7K3-9QX)' },
  /** A staff card number that is not one (wrong shape, or a typo its check character caught). */
  CARD_NUMBER_INVALID: { status: 400, message: 'This is not a valid staff card number (like OYS-4MP-2TC)' },
  /** Bulk card printing over its limit: narrow the list. */
  TOO_MANY_CARDS: { status: 400, message: 'Too many cards in one PDF; narrow the list with its filters' },
  // 401 — who are you?
  UNAUTHENTICATED: { status: 401, message: 'Sign in to continue' },
  INVALID_CREDENTIALS: { status: 401, message: 'Email or password is not correct' },
  /** No key, a malformed one, or one the registry does not know (all answer alike). */
  PARTNER_KEY_INVALID: { status: 401, message: 'Send a valid partner key: Authorization: Bearer oslrs_pk_…' },
  PARTNER_KEY_REVOKED: { status: 401, message: 'This partner key was revoked' },
  /** The USSD callback without the gateway's secret (or with a wrong one), or from an address not allowed. */
  GATEWAY_SECRET_INVALID: { status: 401, message: 'This callback needs the gateway secret' },
  PARTNER_KEY_EXPIRED: { status: 401, message: 'This partner key has expired; use the key that replaced it' },
  // 403 — not allowed
  FORBIDDEN: { status: 403, message: 'Your role does not allow this' },
  CSRF_TOKEN_INVALID: { status: 403, message: 'Missing or wrong X-CSRF-Token header' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, message: 'Choose your own password first (POST /api/v1/auth/password)' },
  ROLE_NOT_ALLOWED: { status: 403, message: 'You cannot grant a role above your own' },
  SELF_ROLE_CHANGE: { status: 403, message: 'You cannot change your own role' },
  ACCOUNT_SUSPENDED: { status: 403, message: 'This account is suspended' },
  ACCOUNT_DEACTIVATED: { status: 403, message: 'This account is deactivated' },
  PUBLIC_FORM_ONLY: { status: 403, message: 'Residents register through the public questionnaire only' },
  SELF_STATUS_CHANGE: { status: 403, message: 'You cannot change your own status' },
  /** A reveal of a worker who did not agree to show their contact (the second consent). */
  CONTACT_NOT_SHARED: { status: 403, message: 'This worker has not agreed to share their contact details' },
  SEARCHER_NOT_VERIFIED: { status: 403, message: 'Confirm your email address before revealing contacts' },
  SEARCHER_BLOCKED: { status: 403, message: 'This account may no longer reveal contacts. Contact the registry.' },
  ACCESS_BLOCKED: { status: 403, message: 'Automated access from this address has been blocked' },
  NOT_YOUR_TEAM: { status: 403, message: 'You can only write to your own team' },
  PARTNER_SCOPE_MISSING: { status: 403, message: 'This key does not have the scope this endpoint needs' },
  PARTNER_LGA_OUT_OF_SCOPE: { status: 403, message: 'This key may not read this Local Government Area' },
  // 404 — not there, or not yours to see (out-of-scope records answer exactly like missing ones)
  NOT_FOUND: { status: 404, message: 'Not found' },
  /** A profile that is not (or no longer) listed: consent withdrawn, record rejected, or never there. */
  /** USSD_CALLBACK_SECRET is not configured: the feature-phone channel is off. */
  CHANNEL_OFF: { status: 404, message: 'The USSD channel is off: USSD_CALLBACK_SECRET is not configured' },
  PROFILE_NOT_FOUND: { status: 404, message: 'This profile is not (or no longer) listed' },
  // 409 — conflicts with the current state
  EXPORT_NOT_READY: { status: 409, message: 'This export is not finished yet' },
  IMPORT_NOT_FINISHED: { status: 409, message: 'This import has not finished yet' },
  ALREADY_ACTIVATED: { status: 409, message: 'This account is already active' },
  EMAIL_IN_USE: { status: 409, message: 'This email cannot be used for a searcher account' },
  NOT_REGISTERED: { status: 409, message: 'You have not registered yet' },
  CORRECTION_PENDING: { status: 409, message: 'A correction you sent is still waiting for review' },
  EMAIL_EXISTS: { status: 409, message: 'An account with this email already exists' },
  FORM_ID_TAKEN: { status: 409, message: 'Another questionnaire already uses this form_id' },
  LAST_SUPER_ADMIN: { status: 409, message: 'The registry must keep at least one active super admin' },
  NIN_DUPLICATE: { status: 409, message: 'This NIN is already registered' },
  NIN_DUPLICATE_STAFF: { status: 409, message: 'This NIN belongs to a registry staff member' },
  QUESTIONNAIRE_IN_USE: { status: 409, message: 'This questionnaire is in use' },
  /** What anyone but staff learns about a NIN that is taken, whoever holds it: nothing more. */
  NIN_UNAVAILABLE: {
    status: 409,
    message: 'This NIN cannot be registered here. Please contact the registry help desk.',
  },
  ALREADY_REGISTERED: { status: 409, message: 'You have already registered. One registration per person.' },
  NOTHING_TO_PUBLISH: { status: 409, message: 'There is no draft to publish' },
  QUESTIONNAIRE_ARCHIVED: { status: 409, message: 'This questionnaire is archived' },
  VERIFICATION_CONFLICT: { status: 409, message: 'This record was already decided otherwise' },
  RESPONDENT_MERGED: { status: 409, message: 'This record was merged into another' },
  DUPLICATE_RESOLVED: { status: 409, message: 'This pair was already resolved' },
  SUBMISSION_CONFLICT: { status: 409, message: 'A different submission was already received with this id' },
  REVIEW_CONFLICT: { status: 409, message: 'This submission has already been decided otherwise' },
  REPLACES_NOT_RETURNED: { status: 409, message: 'Only a submission returned for correction can be replaced' },
  REPLACEMENT_EXISTS: { status: 409, message: 'A correction of this submission was already received' },
  /** A chunk that starts past what the registry holds: resume from `details.received`. */
  UPLOAD_OFFSET_MISMATCH: { status: 409, message: 'This chunk does not start where the upload stands' },
  NOT_AWAITING_FILES: { status: 409, message: 'This submission is not waiting for this file' },
  PARTNER_KEY_STATE: { status: 409, message: 'This key was already rotated or revoked' },
  IMPORT_STATE: { status: 409, message: 'This import batch is not in a state that allows this' },
  /** A clerk's form whose slip is asked for while the registry is still processing it. */
  SUBMISSION_NOT_REGISTERED: {
    status: 409,
    message: 'This form is not registered yet; its slip can be printed once its status says Registered',
  },
  /** A clerk's form the registry rejected (details.reason: why, e.g. NIN_DUPLICATE): it made no registration. */
  SUBMISSION_REJECTED: { status: 409, message: 'This form was rejected, so it has no registration slip' },
  // 410 — it was there once
  EXPORT_EXPIRED: { status: 410, message: 'This export has expired; request it again' },
  TOKEN_EXPIRED: { status: 410, message: 'This link has expired' },
  // 413, 415
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This content type is not accepted here' },
  ATTACHMENT_TOO_LARGE: { status: 413, message: 'This file is larger than allowed for its question' },
  /** The bytes are not what the question takes (a "photo" that is not an image): sniffed, not trusted. */
  ATTACHMENT_TYPE_MISMATCH: { status: 415, message: 'This file is not of the kind its question takes' },
  // 422 — well-formed, but breaks a registry rule
  ANSWERS_INVALID: { status: 422, message: 'Some answers are not valid' },
  /** The attachments listed do not match the media answers (a file named twice, missing, or not an answer). */
  ATTACHMENTS_INVALID: { status: 422, message: 'The attachments do not match the media answers' },
  ATTACHMENT_NOT_DECLARED: { status: 422, message: 'This submission does not name this file' },
  ATTACHMENT_SIZE_MISMATCH: { status: 422, message: 'The file is not the size the submission declared' },
  ATTACHMENT_CHECKSUM_MISMATCH: {
    status: 422,
    message: 'The file arrived damaged (its SHA-256 differs); send it again',
  },
  CSV_EMPTY: { status: 422, message: 'The file has no rows' },
  CSV_MALFORMED: { status: 422, message: 'The file is not a valid CSV' },
  CSV_NOT_TEXT: { status: 422, message: 'The file is not UTF-8 text' },
  CSV_MISSING_HEADER: { status: 422, message: 'A required column is missing' },
  CSV_TOO_MANY_ROWS: { status: 422, message: 'The file has too many rows' },
  IMPORT_MAPPING_INVALID: { status: 422, message: 'The column mapping is not valid' },
  IMPORT_FILE_INVALID: { status: 422, message: 'The file could not be read as a CSV or an Excel workbook (.xlsx)' },
  XLSX_FORMULAS: { status: 422, message: 'The workbook contains formulas; paste the values only and try again' },
  FORM_INVALID: { status: 422, message: 'The questionnaire is not valid' },
  XLSFORM_INVALID: { status: 422, message: 'The XLSForm is not valid' },
  NIN_INVALID: { status: 422, message: 'A NIN is 11 digits (not one digit repeated)' },
  NIN_REQUIRED: { status: 422, message: 'No NIN was given and it was not marked as deferred' },
  NO_RECIPIENTS: { status: 422, message: 'There is no one to send this to yet' },
  LGA_UNKNOWN: { status: 422, message: 'Unknown Local Government Area' },
  PHONE_INVALID: { status: 422, message: 'Enter a Nigerian phone number, e.g. 0803 123 4567' },
  QUESTIONNAIRE_UNKNOWN: { status: 422, message: 'No such questionnaire' },
  QUESTIONNAIRE_NOT_PUBLISHED: { status: 422, message: 'This questionnaire has no published version' },
  NOT_ACTIVATED: { status: 422, message: 'This account has not been activated yet' },
  CSV_NOT_UTF8: { status: 422, message: 'The file is not UTF-8 text' },
  NAME_INVALID: { status: 422, message: 'Give the full name (2–120 characters)' },
  EMAIL_INVALID: { status: 422, message: 'Not a valid email address' },
  EMAIL_DUPLICATE_IN_FILE: { status: 422, message: 'This email appears more than once in the file' },
  ROLE_REQUIRED: { status: 422, message: 'Give a role' },
  ROLE_CONFLICT: { status: 422, message: 'These roles cannot be combined' },
  ROLE_UNKNOWN: { status: 422, message: 'Unknown role' },
  LGA_REQUIRED: { status: 422, message: 'Field staff need a Local Government Area' },
  NOT_RETURNABLE: { status: 422, message: 'Only surveys collected by staff can be returned for correction' },
  REPLACES_UNKNOWN: { status: 422, message: 'None of your submissions has this id' },
  VERSION_UNKNOWN: { status: 422, message: 'No published questionnaire version has this id' },
  VERSION_ARCHIVED: { status: 422, message: 'This questionnaire has been archived; download the current one' },
  MERGE_KEEP_INVALID: { status: 422, message: 'Keep one of the two records of the pair' },
  MERGE_KEEP_NIN: { status: 422, message: 'Keep the record that holds the NIN' },
  // 429
  RATE_LIMITED: { status: 429, message: 'Too many requests, slow down' },
  REVEAL_LIMIT: { status: 429, message: 'You have revealed the most contacts allowed today. Try again tomorrow.' },
  ACCOUNT_LOCKED: { status: 429, message: 'Too many failed sign-in attempts. Try again later.' },
  // 500 — ours, never the caller's
  INTERNAL: { status: 500, message: 'Something went wrong on our side' },
  // 503 — every database connection busy for the pool's wait: nothing was done; try again shortly
  BUSY: { status: 503, message: 'The registry is busy; try again in a few seconds' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}
