/**
 * The fuzzer's vocabulary (test-only; apps/api/test/fuzz.test.ts drives it): the API's operations as
 * its OpenAPI document describes them, fast-check arbitraries generated from their JSON schemas, and
 * the hostile values, bodies, headers and sessions mixed into them.
 */
import fc from 'fast-check';
import { LGA_CODES, ROLES, type Role } from '@oslrs/core';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: Json[];
  const?: Json;
  nullable?: boolean;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

interface OpenApiParameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  method: string;
  /** `/api/v1/staff/{id}` as documented. */
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  body: JsonSchema | undefined;
}

/** Every documented route × method. */
export function operationsOf(doc: { paths?: Record<string, Record<string, unknown>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, raw] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const op = raw as {
        parameters?: OpenApiParameter[];
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
      };
      const params = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        query: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: !!p.required, schema: p.schema ?? {} })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

// ---------------------------------------------------------------------------------------------
// Sensitive values: every NIN and phone number the fuzzer sends is recognisable in the logs.

/** A well-formed NIN (11 digits starting with 9); the fuzzer plants these and then looks for them in the logs. */
export const ninArb = fc.integer({ min: 0, max: 9_999_999_998 }).map((n) => `9${String(n).padStart(10, '0')}`);
const nationalArb = fc
  .tuple(fc.constantFrom('803', '806', '703', '813', '905'), fc.integer({ min: 0, max: 9_999_999 }))
  .map(([net, n]) => `${net}${String(n).padStart(7, '0')}`);
/** A Nigerian mobile number as a form takes it (0803…). */
export const localPhoneArb = nationalArb.map((national) => `0${national}`);
/** A Nigerian mobile number in one of the shapes people type. */
export const phoneArb = nationalArb.chain((national) =>
  fc.constantFrom(`0${national}`, `+234${national}`, `234${national}`, `0${national.slice(0, 3)} ${national.slice(3)}`),
);

/** UUIDs blanked out: their hex tails can hold ten digits in a row, which are no one's phone number. */
export function withoutUuids(text: string): string {
  return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '-');
}

/**
 * The NINs and phone numbers in a request's text: each one, and the forms the API may store it in
 * (E.164, national), so that any of them turning up in the logs is caught.
 */
export function sensitiveValuesIn(raw: string, into: Set<string>) {
  const text = withoutUuids(raw);
  for (const m of text.matchAll(/(?<!\d)(?:\+?234|0)?\d{10}(?!\d)/g)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 10 || digits.length > 13) continue;
    into.add(digits);
    const national = digits.startsWith('234') ? digits.slice(3) : digits.startsWith('0') ? digits.slice(1) : digits;
    if (national.length === 10) {
      into.add(`234${national}`);
      into.add(`0${national}`);
    }
  }
  // Phones typed with a space ("0803 1234567").
  for (const m of text.matchAll(/(?<!\d)0(\d{3}) (\d{7})(?!\d)/g)) into.add(`234${m[1]}${m[2]}`);
}

// ---------------------------------------------------------------------------------------------
// Hostile values.

const CONTROL = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
const SURROGATE = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const INVISIBLE = fc.constantFrom(
  '\u202e', // right-to-left override
  '\u202d',
  '\u200f', // right-to-left mark
  '\u200e',
  '\u2066',
  '\u200b', // zero width space
  '\u200d',
  '\ufeff',
  '\u00ad',
  '\u0085',
  '\u007f',
  '\u009b',
  '\ufffd',
  '\uffff',
  '\u2028',
  '\u0301',
);
const PAYLOADS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\ud83d',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR ""="',
  "1' UNION SELECT password_hash FROM users --",
  "admin'--",
  '$1',
  '%s%s%s%n',
  '\\x00',
  '\\u0000',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "javascript:alert('x')",
  '{{7*7}}',
  '${7*7}',
  '#{7*7}',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '=cmd|" /C calc"!A0',
  '@SUM(1+1)',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '',
  ' ',
  '\t',
  '\r\n',
  'ﷺ𝕏😀👩🏽‍🚀',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  'ＡＢＣ',
  'İıßẞ',
  '00000000000',
  '99999999999',
  '+2340000000000',
  'select pg_sleep(10)',
  "'; select pg_sleep(10); --",
  '\\',
  '"',
  "'",
  '`',
  '%00',
  '%ED%A0%80',
];

/** A string meant to break things: control characters, lone surrogates, RTL marks, payloads. */
export const hostileStringArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PAYLOADS) },
  {
    weight: 5,
    arbitrary: fc
      .array(
        fc.oneof(
          { weight: 4, arbitrary: fc.string({ maxLength: 6 }) },
          { weight: 2, arbitrary: CONTROL },
          { weight: 2, arbitrary: SURROGATE },
          { weight: 2, arbitrary: INVISIBLE },
          { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
          { weight: 1, arbitrary: fc.constantFrom(...PAYLOADS) },
          { weight: 1, arbitrary: ninArb },
          { weight: 1, arbitrary: phoneArb },
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('A', '9', '\u0000', '\ud800', 'é', '😀', '<', "'"), fc.constantFrom(300, 10_001, 100_000))
      .map(([c, n]) => c.repeat(n)),
  },
);

const hostileNumberArb = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    0.1,
    1e308,
    -1e308,
    5e-324,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53 + 2,
    -(2 ** 53) - 2,
    Number.MAX_SAFE_INTEGER,
    1e21,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** An object whose own keys include `__proto__`/`constructor` (as JSON.parse makes them). */
const prototypeKeysArb: fc.Arbitrary<Json> = fc
  .constantFrom(
    '{"__proto__":{"isAdmin":true,"role":"super_admin"}}',
    '{"constructor":{"prototype":{"isAdmin":true}}}',
    '{"__proto__":null}',
    '{"prototype":{"x":1},"toString":"x","hasOwnProperty":1,"valueOf":[]}',
  )
  .map((s) => JSON.parse(s) as Json);

const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\u202e',
  '$where',
  'a.b',
  '../x',
  'k'.repeat(300),
];
export const hostileKeyArb = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), hostileStringArb);

const deep = (depth: number, leaf: Json, asObject: boolean): Json => {
  let v: Json = leaf;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
};

/** Any hostile JSON value: wrong types, huge and deep values, hostile keys and strings. */
export const hostileJsonArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: hostileStringArb },
  { weight: 3, arbitrary: hostileNumberArb },
  { weight: 1, arbitrary: fc.constantFrom<Json>(true, false, null, [], {}, [null], [[]], [{}], '') },
  { weight: 1, arbitrary: prototypeKeysArb },
  {
    weight: 2,
    arbitrary: fc.dictionary(hostileKeyArb, fc.oneof(hostileStringArb, hostileNumberArb), { maxKeys: 4 }),
  },
  { weight: 1, arbitrary: fc.array(fc.oneof(hostileStringArb, hostileNumberArb), { maxLength: 6 }) },
  {
    weight: 1,
    arbitrary: fc
      // Deeper nesting travels as raw JSON text (rawJsonTextArb), which no copy or stringify has to walk.
      .tuple(fc.constantFrom(50, 400), fc.boolean(), fc.constantFrom<Json>(1, 'x', null, '\u0000'))
      .map(([d, asObject, leaf]) => deep(d, leaf, asObject)),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<() => Json>(
        () => Array.from({ length: 10_000 }, () => 0),
        () => Array.from({ length: 1_001 }, (_, i) => `item ${i}`),
        () => Array.from({ length: 60 }, () => ({})),
        () => Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i])),
        () => 'x'.repeat(2 * 1024 * 1024),
      )
      .map((make) => make()),
  },
);

// ---------------------------------------------------------------------------------------------
// Values from a JSON schema.

export interface SchemaContext {
  /** Ids that exist in the database (a questionnaire, a staff member, a job, ...). */
  knownIds: readonly string[];
}

function stringArb(schema: JsonSchema, ctx: SchemaContext, name: string | undefined): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...ctx.knownIds), fc.uuid());
  if (schema.format === 'email' || name === 'email')
    return fc.oneof(
      fc.emailAddress(),
      fc.uuid().map((u) => `fuzz.${u.slice(0, 8)}@example.com`),
    );
  if (schema.format === 'date-time')
    return fc
      .integer({ min: 1, max: 60 * 24 * 30 })
      .map((minutesAgo) => new Date(Date.now() - minutesAgo * 60_000).toISOString());
  if (name === 'lga') return fc.oneof(fc.constantFrom(...LGA_CODES), fc.string({ maxLength: 20 }));
  if (name && /nin$/i.test(name)) return ninArb;
  if (name && /phone/i.test(name)) return phoneArb;
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern), { size: 'small' });
    } catch {
      // A pattern fast-check cannot reverse: plain strings instead.
    }
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, Math.max(minLength, 40));
  return fc.string({ minLength, maxLength });
}

/** Values that (mostly) satisfy `schema`. */
export function arbFromSchema(schema: JsonSchema, ctx: SchemaContext, name?: string, depth = 0): fc.Arbitrary<Json> {
  const base = ((): fc.Arbitrary<Json> => {
    if (depth > 6) return fc.constant(null);
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const options = schema.anyOf ?? schema.oneOf;
    if (options?.length) return fc.oneof(...options.map((o) => arbFromSchema(o, ctx, name, depth + 1)));
    if (schema.allOf?.length) return arbFromSchema(Object.assign({}, ...schema.allOf) as JsonSchema, ctx, name, depth);
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    switch (type) {
      case 'string':
        return stringArb(schema, ctx, name);
      case 'integer':
        return fc.integer({
          min: Math.max(schema.minimum ?? -1000, -(2 ** 31)),
          max: Math.min(schema.maximum ?? 1000, 2 ** 31),
        });
      case 'number':
        return fc.double({
          min: Math.max(schema.minimum ?? -1000, -1e9),
          max: Math.min(schema.maximum ?? 1000, 1e9),
          noNaN: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const minLength = schema.minItems ?? 0;
        return fc.array(arbFromSchema(schema.items ?? {}, ctx, name, depth + 1), {
          minLength,
          maxLength: Math.min(schema.maxItems ?? 4, Math.max(minLength, 4)),
        });
      }
      case 'object': {
        const props = schema.properties ?? {};
        const model: Record<string, fc.Arbitrary<Json>> = {};
        for (const [k, s] of Object.entries(props)) model[k] = arbFromSchema(s, ctx, k, depth + 1);
        const fixed = fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
        const extra = schema.additionalProperties;
        if (extra && typeof extra === 'object') {
          return fc
            .tuple(
              fixed,
              fc.dictionary(
                fc.string({ minLength: 1, maxLength: 12 }),
                arbFromSchema(extra, ctx, undefined, depth + 1),
                { maxKeys: 5 },
              ),
            )
            .map(([a, b]) => ({ ...b, ...a }) as Json);
        }
        return fixed as fc.Arbitrary<Json>;
      }
      default:
        return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
    }
  })();
  return schema.nullable ? fc.option(base, { nil: null, freq: 6 }) : base;
}

// ---------------------------------------------------------------------------------------------
// Mutations: replace, delete or add one node of a value with something hostile.

type PathStep = string | number;

function pathsOf(value: Json, limit = 200): PathStep[][] {
  const out: PathStep[][] = [[]];
  const walk = (v: Json, path: PathStep[]) => {
    if (out.length >= limit || v === null || typeof v !== 'object') return;
    const entries: [PathStep, Json][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [k, child] of entries.slice(0, 50)) {
      out.push([...path, k]);
      walk(child, [...path, k]);
    }
  };
  walk(value, []);
  return out;
}

/** What breaks text on its way to PostgreSQL: NUL, lone surrogates, other controls. */
export const poisonArb = fc.constantFrom(
  '\u0000',
  '\ud800',
  '\udfff',
  '\ud83d',
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0008',
);

export type Mutation =
  | { kind: 'poison'; at: number; position: number; char: string }
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: Json };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    // One bad character inside an otherwise valid string: the rest of the body still passes, so it
    // travels as far as it can (the query, the JSON column, the log line).
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('poison' as const), at: fc.nat(), position: fc.nat(), char: poisonArb }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileJsonArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      at: fc.nat(),
      key: hostileKeyArb,
      value: hostileJsonArb,
    }),
  },
);

function valueAt(root: Json, path: PathStep[]): Json | undefined {
  let v: Json | undefined = root;
  for (const step of path) v = v && typeof v === 'object' ? (v as Record<string | number, Json>)[step] : undefined;
  return v;
}

/** How many strings a value holds (within the first 200 nodes): what `poison` mutations choose from. */
export function stringCount(value: Json): number {
  return pathsOf(value).filter((p) => typeof valueAt(value, p) === 'string').length;
}

export function mutate(value: Json, mutations: Mutation[]): Json {
  let root: Json;
  try {
    root = structuredClone(value);
  } catch {
    return value; // too deep to copy: it is hostile enough as it is
  }
  for (const m of mutations) {
    const all = pathsOf(root);
    // A poisoned character goes into a string when there is one.
    const strings = m.kind === 'poison' ? all.filter((p) => typeof valueAt(root, p) === 'string') : [];
    const paths = strings.length ? strings : all;
    const path = paths[m.at % paths.length]!;
    if (m.kind === 'poison') {
      const current = valueAt(root, path);
      const poisoned =
        typeof current === 'string'
          ? current.slice(0, m.position % (current.length + 1)) +
            m.char +
            current.slice(m.position % (current.length + 1))
          : `x${m.char}`;
      if (path.length === 0) root = poisoned;
      else (valueAt(root, path.slice(0, -1)) as Record<string | number, Json>)[path[path.length - 1]!] = poisoned;
      continue;
    }
    if (path.length === 0) {
      if (m.kind === 'replace') root = m.value;
      else if (m.kind === 'add' && root && typeof root === 'object' && !Array.isArray(root))
        Object.defineProperty(root, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    let parent: Json = root;
    for (const step of path.slice(0, -1)) parent = (parent as Record<string, Json>)[step as string]!;
    const last = path[path.length - 1]!;
    const container = parent as Record<string | number, Json>;
    if (m.kind === 'replace') container[last] = m.value;
    else if (m.kind === 'delete') {
      if (Array.isArray(container)) container.splice(last as number, 1);
      else delete container[last];
    } else {
      const target = container[last];
      if (target && typeof target === 'object' && !Array.isArray(target))
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      else container[last] = { [m.key]: m.value };
    }
  }
  return root;
}

// ---------------------------------------------------------------------------------------------
// Bodies that are not (valid) JSON.

const deepText = (n: number, open: string, close: string, leaf = '') => open.repeat(n) + leaf + close.repeat(n);

export const rawJsonTextArb: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constantFrom<string | Buffer>(
    '',
    '{',
    '{"a":',
    '[1,2',
    'nul',
    '{"email": "a", }',
    '\ufeff{}',
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"isAdmin":true}}}',
    '{"a":{"__proto__":{"x":1}}}',
    '"just a string"',
    '123',
    'null',
    'true',
    '[]',
    '{"a":1,"a":2}',
    `1${'0'.repeat(400)}`,
    '{"n":1e999}',
    '{"n":-1e999}',
    '{"s":"\\u0000"}',
    '{"s":"\\ud800"}',
    '{"s":"\\udfff\\ud800"}',
    '{"s":"\\x00"}',
    '{"s":"\\u00"}',
    "{'single':'quotes'}",
    '{"a":1}{"b":2}',
    '{"a":1} trailing',
    '\u0000',
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d]),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
    Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
  ),
  fc
    .tuple(
      fc.constantFrom(1_000, 20_000, 200_000),
      fc.constantFrom<[string, string, string]>(['[', ']', ''], ['{"a":', '}', '1'], ['{"answers":', '}', '{}']),
    )
    .map(([n, [o, c, leaf]]) => deepText(n, o, c, leaf)),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/vnd.api+json',
  'text/plain',
  'text/html',
  'text/csv',
  'application/csv',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'application/octet-stream',
  '*/*',
  'application/json, text/csv',
  ';;;',
  'a'.repeat(2000),
];

/** A header value made only of what HTTP allows in one (tab, visible ASCII, obs-text). */
export const headerValueArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.constant('\t'),
      fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
    ),
    maxLength: 120,
  }),
  fc.constantFrom(
    '',
    ' ',
    "' OR 1=1 --",
    '<script>',
    '%00',
    '%ED%A0%80',
    'x'.repeat(8_000),
    '\u00ff\u00fe',
    'W/"abc", *',
    '*',
    '"'.repeat(50),
    'oslrs_session=',
    'oslrs_session=%00; oslrs_session=%ED%A0%80',
    'oslrs_session=' + 'a'.repeat(5000),
    '__proto__=1',
  ),
);

const HEADER_NAMES = [
  'x-request-id',
  'accept',
  'accept-language',
  'accept-encoding',
  'if-none-match',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-proto',
  'origin',
  'referer',
  'authorization',
  'cookie',
  'x-csrf-token',
  'range',
  'content-encoding',
  'transfer-encoding',
  'content-length',
  'expect',
  'x-http-method-override',
];

export const headersArb: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom(...HEADER_NAMES),
  headerValueArb,
  { maxKeys: 3 },
);

// ---------------------------------------------------------------------------------------------
// Multipart and CSV bodies.

export interface RawBody {
  payload: string | Buffer;
  contentType?: string;
}

const CSV_HEADER = 'full_name,email,phone,role,lga';
const csvCellArb = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n,"]/g, ' ')) },
  { weight: 2, arbitrary: hostileStringArb.map((s) => `"${s.slice(0, 300).replaceAll('"', '""')}"`) },
  { weight: 1, arbitrary: phoneArb },
  { weight: 1, arbitrary: ninArb },
  {
    weight: 1,
    arbitrary: fc.constantFrom('enumerator', 'supervisor', 'super_admin', 'ibadan_north', '=1+1', '"unclosed'),
  },
);
const csvRowArb = fc
  .tuple(
    fc.oneof(csvCellArb, fc.constant('Ada Lovelace')),
    fc.oneof(
      csvCellArb,
      fc.uuid().map((u) => `csv.${u.slice(0, 8)}@example.com`),
    ),
    fc.oneof(csvCellArb, phoneArb),
    fc.oneof(csvCellArb, fc.constantFrom('enumerator', 'supervisor')),
    fc.oneof(csvCellArb, fc.constantFrom('ibadan_north', 'oyo_east')),
  )
  .map((cells) => cells.join(','));

export const csvArb: fc.Arbitrary<Buffer> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(csvRowArb, { maxLength: 8 })
      .map((rows) => Buffer.from([CSV_HEADER, ...rows].join('\n') + '\n')),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        () => Buffer.from(`${CSV_HEADER}\nA\u0000B,a@b.cd,08031234567,enumerator,ibadan_north\n`),
        () => Buffer.from([...Buffer.from(`${CSV_HEADER}\nA`), 0xed, 0xa0, 0x80, ...Buffer.from(',a@b.cd,0803,x,y\n')]),
        () => Buffer.from([...Buffer.from(`${CSV_HEADER}\n`), 0xff, 0xfe, 0x41]),
        () => Buffer.from(`\ufeff${CSV_HEADER}\r\nAda,a@b.cd,08031234567,enumerator,ibadan_north\r\n`, 'utf16le'),
        () => Buffer.from(`${CSV_HEADER}\n` + 'Ada,x@y.zz,08031234567,enumerator,ibadan_north\n'.repeat(10_050)),
        () => Buffer.from(`${CSV_HEADER}\n"${'a'.repeat(70_000)}",x,y,z,w\n`),
        () => Buffer.from(`${CSV_HEADER}\n`),
        () => Buffer.from(''),
        () => Buffer.from('"unterminated\n'),
      )
      .map((make) => make()),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
);

/** Filenames as a part header carries them: quoted, RFC 5987-encoded, hostile. */
const filenameArb = fc.oneof(
  fc.constantFrom(
    'filename="staff.csv"',
    'filename="form.xlsx"',
    'filename=""',
    'filename="../../etc/passwd"',
    'filename="a\\"b.csv"',
    `filename="${'n'.repeat(1000)}.csv"`,
    "filename*=UTF-8''%00.csv",
    "filename*=UTF-8''a%ED%A0%80b.csv",
    "filename*=UTF-8''%E2%80%AEvsc.exe",
    "filename*=UTF-8''%C0%80.csv",
    "filename*=utf-8''%ZZ",
    'filename=unquoted.csv',
    '',
  ),
  hostileStringArb.map((s) => `filename="${Buffer.from(s.slice(0, 200)).toString('latin1').replaceAll('"', '')}"`),
);

/** A multipart/form-data body, built by hand so that every byte of it is the fuzzer's choice. */
export function multipartArb(files: fc.Arbitrary<Buffer>): fc.Arbitrary<RawBody> {
  const partArb = fc.record({
    name: fc.oneof(
      { weight: 4, arbitrary: fc.constant('file') },
      { weight: 1, arbitrary: fc.constantFrom('upload', 'note', '', 'file"; x="y') },
    ),
    filename: fc.option(filenameArb, { nil: undefined, freq: 5 }),
    type: fc.constantFrom(
      'text/csv',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/octet-stream',
      '',
    ),
    content: fc.oneof(
      files,
      hostileStringArb.map((s) => Buffer.from(s)),
    ),
  });
  const wellFormed = fc
    .tuple(files, fc.constantFrom('staff.csv', 'form.xlsx', 'x'))
    .map(([content, filename]): RawBody => {
      const boundary = 'fuzzboundary';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n\r\n`;
      return {
        payload: Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
        contentType: `multipart/form-data; boundary=${boundary}`,
      };
    });
  const anything = fc
    .record({
      boundary: fc.constantFrom('fuzzboundary', '----x', 'a'.repeat(70), 'b"c'),
      parts: fc.array(partArb, { minLength: 0, maxLength: 7 }),
      close: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      declared: fc.constantFrom('same', 'other', 'none'),
    })
    .map(({ boundary, parts, close, declared }) => {
      const chunks: Buffer[] = [];
      for (const p of parts) {
        const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; ${p.filename}` : ''}`;
        const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`;
        chunks.push(Buffer.from(head, 'latin1'), p.content, Buffer.from('\r\n'));
      }
      if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
      const declaredBoundary = declared === 'same' ? boundary : declared === 'other' ? 'not-the-boundary' : '';
      return {
        payload: Buffer.concat(chunks),
        contentType: declaredBoundary ? `multipart/form-data; boundary=${declaredBoundary}` : 'multipart/form-data',
      };
    });
  return fc.oneof({ weight: 2, arbitrary: wellFormed }, { weight: 3, arbitrary: anything });
}

// ---------------------------------------------------------------------------------------------
// Who calls.

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'role'; role: Role; csrf: 'sent' | 'missing' | 'wrong' }
  | { kind: 'garbage-session' };

export const callerArb: fc.Arbitrary<Caller> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Caller>({ kind: 'anonymous' }) },
  {
    weight: 12,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...ROLES),
        fc.oneof(
          { weight: 8, arbitrary: fc.constant('sent' as const) },
          { weight: 1, arbitrary: fc.constantFrom('missing' as const, 'wrong' as const) },
        ),
      )
      .map(([role, csrf]): Caller => ({ kind: 'role', role, csrf })),
  },
  { weight: 1, arbitrary: fc.constant<Caller>({ kind: 'garbage-session' }) },
);

export function describeCaller(c: Caller): string {
  if (c.kind === 'role') return c.csrf === 'sent' ? c.role : `${c.role} (CSRF ${c.csrf})`;
  return c.kind;
}

// ---------------------------------------------------------------------------------------------
// URLs.

/** Percent-encode any string, lone surrogates included (encodeURIComponent throws on those). */
export function encodeAny(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

/** Path segments as they travel, already encoded (some deliberately badly). */
export const hostileSegmentArb = fc.oneof(
  fc.constantFrom(
    '%00',
    '%ED%A0%80',
    '%C0%80',
    '%FF',
    '%',
    '%zz',
    '..',
    '%2e%2e',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'a'.repeat(250),
    '%E2%80%AE',
    'null',
    'undefined',
    '-1',
    '0',
    '1e9',
    '%20',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '01890000-0000-7000-8000-00000000000G',
    "'%20OR%201=1--",
    '%3Cscript%3E',
    '__proto__',
    'constructor',
  ),
  hostileStringArb.map((s) => encodeAny(s.slice(0, 300))),
);

/** Query parameters: schema values, hostile ones, duplicates and extras. */
export function queryArb(op: Operation, ctx: SchemaContext): fc.Arbitrary<string> {
  const valueArb = (schema: JsonSchema, name: string) =>
    fc.oneof(
      {
        weight: 4,
        arbitrary: arbFromSchema(schema, ctx, name).map((v) =>
          encodeAny(typeof v === 'string' ? v : JSON.stringify(v)),
        ),
      },
      { weight: 2, arbitrary: hostileStringArb.map((s) => encodeAny(s.slice(0, 2000))) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('%00', '%ED%A0%80', '%', '%zz', '', '1e400', '-1', '1.5', 'NaN', '0x10', '%2B1'),
      },
    );
  const known = op.query.map((q) =>
    fc.option(
      fc
        .tuple(fc.constant(q.name), valueArb(q.schema, q.name), fc.nat(9))
        .map(([k, v, n]) => (n === 0 ? `${k}=${v}&${k}=${v}` : `${k}=${v}`)),
      { nil: undefined, freq: 2 },
    ),
  );
  const extra = fc.array(
    fc.oneof(
      fc.constantFrom(
        '__proto__=1',
        'constructor[prototype][x]=1',
        'q[]=x',
        'page[]=1',
        '&&&',
        '=',
        'a=%ZZ',
        '%00=%00',
        'limit=1&limit=2',
      ),
      fc
        .tuple(hostileKeyArb, hostileStringArb)
        .map(([k, v]) => `${encodeAny(k.slice(0, 100))}=${encodeAny(v.slice(0, 200))}`),
    ),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...known), extra).map(([parts, more]) => {
    const all = [...parts.filter((p): p is string => p !== undefined), ...more];
    return all.length ? `?${all.join('&')}` : '';
  });
}
