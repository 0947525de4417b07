/**
 * The questionnaire format's plain constants (question types, name pattern), apart from its zod
 * schemas (./schema) so that a page needing only these (the web app's form controls, the offline
 * media store) does not pull in zod's schema builders with them.
 */
export const QUESTION_TYPES = [
  'text',
  'integer',
  'decimal',
  'date',
  'time',
  'datetime',
  'select_one',
  'select_multiple',
  'phone',
  'email',
  'nin',
  'geopoint',
  'barcode',
  'note',
  'calculate',
  // media: the answer is the file name of an attachment sent with the submission (as ODK does)
  'image',
  'audio',
  'video',
  'file',
  // structure: `questions` holds the children
  'group',
  'repeat',
  // metadata, filled by the device, never shown
  'start',
  'end',
  'today',
  'deviceid',
  'username',
  'phonenumber',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const METADATA_TYPES = [
  'start',
  'end',
  'today',
  'deviceid',
  'username',
  'phonenumber',
] as const satisfies readonly QuestionType[];
export const SELECT_TYPES = ['select_one', 'select_multiple'] as const satisfies readonly QuestionType[];
export const MEDIA_TYPES = ['image', 'audio', 'video', 'file'] as const satisfies readonly QuestionType[];
/** Question types that hold other questions (`questions`) instead of taking an answer. */
export const CONTAINER_TYPES = ['group', 'repeat'] as const satisfies readonly QuestionType[];
/** Most instances one repeat may have (a `repeat_count` above it is an error, not a hang). */
export const MAX_REPEAT_INSTANCES = 500;

/** XLSForm-compatible names: a letter or underscore, then letters, digits, `_`, `-`, `.`. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
