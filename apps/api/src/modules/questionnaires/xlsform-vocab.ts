import {
  CONTAINER_TYPES,
  METADATA_TYPES,
  type Choice,
  type Question,
  type QuestionType,
  type Translation,
} from '@oslrs/core';

/** The XLSForm vocabulary the importer reads and the exporter writes (pyxform's aliases and types). */
// ---------------------------------------------------------------------------------------------
// Column vocabulary (pyxform's aliases.py survey_header / list_header / settings_header)
// ---------------------------------------------------------------------------------------------

export const SURVEY_FIELDS = [
  'type',
  'name',
  'label',
  'hint',
  'required',
  'required_message',
  'relevant',
  'constraint',
  'constraint_message',
  'calculation',
  'choice_filter',
  'repeat_count',
  'appearance',
  'parameters',
  'read_only',
  'default',
  'oslrs_type',
] as const;
export type SurveyField = (typeof SURVEY_FIELDS)[number];
/** Columns that carry a language suffix (`label::English (en)`), and where the text goes. */
export const TRANSLATABLE: Record<string, keyof Translation> = {
  label: 'label',
  hint: 'hint',
  constraint_message: 'constraintMessage',
  required_message: 'requiredMessage',
};
/** Columns whose text is an expression: curly quotes in them are straightened. */
export const EXPRESSION_FIELDS = new Set<SurveyField>([
  'required',
  'relevant',
  'constraint',
  'calculation',
  'choice_filter',
  'repeat_count',
]);
/** Media columns (`image`, `audio::fr`, …): translatable in pyxform, not supported here (warned). */
export const MEDIA_COLUMNS = new Set(['image', 'big-image', 'audio', 'video', 'guidance_hint']);
export const COLUMN_ALIASES: Record<string, string> = {
  caption: 'label',
  relevance: 'relevant',
  'jr:constraintmsg': 'constraint_message',
  'bind::jr:constraintmsg': 'constraint_message',
  constraining_message: 'constraint_message',
  'jr:requiredmsg': 'required_message',
  requiredmsg: 'required_message',
  'bind::jr:requiredmsg': 'required_message',
  readonly: 'read_only',
  'bind::readonly': 'read_only',
  'bind::required': 'required',
  'bind::relevant': 'relevant',
  'bind::constraint': 'constraint',
  'bind::calculate': 'calculation',
  calculate: 'calculation',
  'jr:choice-filter': 'choice_filter',
  'jr:count': 'repeat_count',
  'control::jr:count': 'repeat_count',
  count: 'repeat_count',
  'control::appearance': 'appearance',
  command: 'type',
};
export const SETTINGS_ALIASES: Record<string, string> = {
  form_title: 'form_title',
  title: 'form_title',
  set_form_title: 'form_title',
  form_id: 'form_id',
  id_string: 'form_id',
  set_form_id: 'form_id',
};
export type SettingsField = 'form_title' | 'form_id' | 'version' | 'default_language' | 'oslrs_field_map';

/** Every spelling pyxform reads (question_type_dictionary.py, aliases.py) → native type. */
export const SIMPLE_TYPES: Record<string, QuestionType> = {};
const spell = (type: QuestionType, ...names: string[]) => names.forEach((n) => (SIMPLE_TYPES[n] = type));
spell('text', 'text', 'string', 'add text prompt', 'q string');
spell('integer', 'integer', 'int', 'add integer prompt', 'q int');
spell('decimal', 'decimal', 'add decimal prompt', 'q decimal');
spell('date', 'date', 'add date prompt', 'q date');
spell('time', 'time', 'add time prompt');
spell('datetime', 'datetime', 'date time', 'add datetime prompt', 'add date time prompt', 'q datetime', 'q date time');
spell('geopoint', 'geopoint', 'gps', 'location', 'add location prompt', 'q location', 'q geopoint');
spell('barcode', 'barcode', 'add barcode prompt', 'q barcode');
spell('note', 'note', 'add note prompt', 'q note');
spell('calculate', 'calculate', 'add calculate prompt', 'q calculate');
spell('image', 'image', 'photo', 'add image prompt', 'add photo prompt', 'q image', 'q picture');
spell('audio', 'audio', 'add audio prompt', 'q audio');
spell('video', 'video', 'add video prompt', 'q video');
spell('file', 'file', 'add file prompt');
spell('start', 'start', 'start time', 'get start time');
spell('end', 'end', 'end time', 'get end time');
spell('today', 'today', 'get today');
spell('deviceid', 'deviceid', 'imei', 'device id', 'get device id');
spell('username', 'username');
spell('phonenumber', 'phonenumber', 'get phone number');
/** Known XLSForm types the registry cannot take, with why. */
export const REFUSED_TYPES: Record<string, string> = {
  audit: 'audit logs (the "audit" type) are not supported by the registry',
  'background-audio': 'background audio recording is not supported',
  'start-geopoint': 'start-geopoint is not supported; use a geopoint question',
  simserial: 'the SIM serial is not readable from a browser',
  subscriberid: 'the subscriber id is not readable from a browser',
  'subscriber id': 'the subscriber id is not readable from a browser',
  'sim id': 'the SIM serial is not readable from a browser',
  geotrace: 'geotrace is not supported; use geopoint',
  geoshape: 'geoshape is not supported; use geopoint',
  range: 'range is not supported; use integer or decimal with a constraint',
  rank: 'rank is not supported; use select_multiple',
  acknowledge: 'acknowledge is not supported; use select_one with a single choice',
  trigger: 'trigger is not supported; use select_one with a single choice',
  hidden: 'hidden is not supported; use calculate',
  'xml-external': 'external XML instances are not supported',
  'csv-external': 'external CSV instances are not supported; use pulldata() with an attached CSV',
  select_one_external: 'select_one_external is not supported; use select_one with choice_filter',
};
/** Select spellings → native type (the list name follows). Longest first when matching. */
export const SELECT_SPELLINGS: [string, 'select_one' | 'select_multiple', boolean][] = (
  [
    ['select_one_from_file', 'select_one', true],
    ['select one from file', 'select_one', true],
    ['select_multiple_from_file', 'select_multiple', true],
    ['select multiple from file', 'select_multiple', true],
    ['add select one prompt using', 'select_one', false],
    ['add select multiple prompt using', 'select_multiple', false],
    ['select all that apply from', 'select_multiple', false],
    ['select all that apply', 'select_multiple', false],
    ['select multiple from', 'select_multiple', false],
    ['select multiple using', 'select_multiple', false],
    ['select_multiple', 'select_multiple', false],
    ['select multiple', 'select_multiple', false],
    ['select one from', 'select_one', false],
    ['select one using', 'select_one', false],
    ['select_one', 'select_one', false],
    ['select one', 'select_one', false],
    ['q select1', 'select_one', false],
    ['select1', 'select_one', false],
    ['q select', 'select_multiple', false],
  ] as [string, 'select_one' | 'select_multiple', boolean][]
).sort((a, b) => b[0].length - a[0].length);

/** Native types written as `text` plus `oslrs_type` (ODK ignores the extra column). */
export const OSLRS_TEXT_TYPES = ['phone', 'email', 'nin'] as const;
export const VISIBLE_WITHOUT_LABEL = new Set<QuestionType>(['calculate', ...METADATA_TYPES, ...CONTAINER_TYPES]);
/** Implicit sections holding questions outside any group (`_top_N` in forms imported before they were `general`). */
export const IMPLICIT_SECTION = /^(?:_top_\d+|general(?:_\d+)?)$/;
/** The n-th implicit section's name (1-based): general, general_2, … */
export const implicitSectionName = (n: number): string => (n === 1 ? 'general' : `general_${n}`);
/** What `or_other` adds (pyxform's wording). */
export const OTHER_LABEL = 'Specify other.';
export const otherRelevant = (name: string) => `selected(\${${name}}, 'other')`;

/** The text question `or_other` on `select` adds after it: "Specify other." in every language of the select. */
export function otherQuestion(select: Question): Question {
  const langs = Object.entries(select.translations ?? {}).filter(([, t]) => t.label !== undefined);
  return {
    name: `${select.name}_other`,
    type: 'text',
    label: OTHER_LABEL,
    ...(langs.length ? { translations: Object.fromEntries(langs.map(([l]) => [l, { label: OTHER_LABEL }])) } : {}),
    relevant: otherRelevant(select.name),
  };
}

/** The choice `or_other` adds to a list: "Other", in every language the list's choices have. */
export function otherChoice(list: readonly Choice[]): Choice {
  const langs = [...new Set(list.flatMap((c) => Object.keys(c.translations ?? {})))];
  return {
    name: 'other',
    label: 'Other',
    ...(langs.length ? { translations: Object.fromEntries(langs.map((l) => [l, 'Other'])) } : {}),
  };
}

/** The language key a column's text is filed under when it is not the default: its suffix, or `default`. */
export const DEFAULT_LANG_KEY = 'default';

/** These questions and every one inside them (groups, repeats), in form order. */
export function allQuestions(qs: readonly Question[]): Question[] {
  return qs.flatMap((q) => [q, ...allQuestions(q.questions ?? [])]);
}
