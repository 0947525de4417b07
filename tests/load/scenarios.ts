/**
 * What a virtual user does: one HTTP client of its own (keep-alive, its own loopback source address,
 * so the server and NGINX see one address per user), its own cookie jar and CSRF token, and a
 * weighted mix of actions for its role.
 */
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { Client } from 'undici';
import type { StaffRole } from '@oslrs/core';
import { masterAnswerSets } from '../../packages/core/src/forms/fixtures/master-answers.js';
import { LOAD_PASSWORD, STAFF_PLAN, loadEmail } from './accounts.js';

export type VuRole = 'public' | StaffRole;

/** What the runner learns once, before the users start. */
export interface TargetInfo {
  origin: string;
  questionnaireId: string;
  versionId: string;
  /** Hashed bundles referenced by index.html. */
  assets: string[];
  /** How many seeded respondents have a NIN of the seed's formula (for lookups that find someone). */
  seededRespondents: number;
}

export interface Sample {
  endpoint: string;
  ms: number;
  status: number;
  ok: boolean;
  /** Why it is an error, when it is. */
  reason?: string;
}

export type Recorder = (s: Sample) => void;

export const ACTIONS = [
  'page',
  'asset',
  'forms',
  'schema',
  'health',
  'login',
  'me',
  'checkNin',
  'batch',
  'submit',
  'mySubmissions',
  'submissionStatus',
  'staffList',
  'staffSummary',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Per role: relative weight of each action (a request every 5–10 s, picked by these weights). */
export const MIX: Record<VuRole, Partial<Record<Action, number>>> = {
  public: { page: 20, asset: 25, forms: 10, schema: 25, health: 20 },
  enumerator: { me: 15, schema: 25, checkNin: 10, batch: 12, mySubmissions: 10, health: 15, page: 4, login: 1 },
  supervisor: { me: 25, schema: 20, checkNin: 10, submissionStatus: 20, health: 15, page: 9, login: 1 },
  data_entry_clerk: { me: 15, schema: 20, checkNin: 15, submit: 30, mySubmissions: 5, health: 10, page: 4, login: 1 },
  super_admin: {
    me: 15,
    staffList: 40,
    staffSummary: 10,
    schema: 10,
    checkNin: 5,
    submissionStatus: 5,
    health: 10,
    page: 4,
    login: 1,
  },
  verification_assessor: { me: 30, schema: 20, submissionStatus: 20, health: 20, page: 9, login: 1 },
  government_official: { me: 40, schema: 30, health: 20, page: 9, login: 1 },
};

/**
 * Share of virtual users per role (percent). The field force is ~200 accounts, so most of thousands of
 * concurrent users are the public; staff here are still far more than the real 132 + ~70 (several
 * users share one seeded account), which keeps writes heavier than real use. Override with
 * ROLE_MIX="public=70,enumerator=15,…".
 */
export const DEFAULT_ROLE_MIX: Record<VuRole, number> = {
  public: 70,
  enumerator: 15,
  supervisor: 4,
  data_entry_clerk: 3,
  super_admin: 3,
  verification_assessor: 2,
  government_official: 3,
};

export function parseRoleMix(text: string | undefined): Record<VuRole, number> {
  if (!text) return DEFAULT_ROLE_MIX;
  const mix = Object.fromEntries(Object.keys(DEFAULT_ROLE_MIX).map((r) => [r, 0])) as Record<VuRole, number>;
  for (const part of text.split(',')) {
    const [role, weight] = part.split('=');
    if (!role || !(role in mix)) throw new Error(`ROLE_MIX: unknown role ${role}`);
    mix[role as VuRole] = Number(weight);
  }
  return mix;
}

/** The i-th user's role, spreading the roles evenly through the population (so every step has the mix). */
export function roleFor(i: number, mix: Record<VuRole, number>): VuRole {
  const roles = Object.entries(mix).filter(([, w]) => w > 0) as [VuRole, number][];
  const total = roles.reduce((s, [, w]) => s + w, 0);
  // Golden-ratio sequence: low discrepancy, so any prefix of users has close to the target shares.
  let x = ((i + 1) * 0.6180339887498949) % 1;
  for (const [role, w] of roles) {
    x -= w / total;
    if (x < 0) return role;
  }
  return roles[roles.length - 1]![0];
}

/** One loopback address per user: 127.20.0.1, 127.20.0.2, … (the whole 127/8 is local on Linux). */
export function sourceAddress(i: number): string {
  return `127.${20 + Math.floor(i / 62_500)}.${(Math.floor(i / 250) % 250) + 1}.${(i % 250) + 1}`;
}

/**
 * Submission ids other users created (in this generator thread), so supervisors and assessors can
 * read their status; per LGA too, because a supervisor may read only their own LGA's submissions.
 */
const recentIds: string[] = [];
const recentByLga = new Map<string, string[]>();
function remember(list: string[], id: string, cap: number) {
  if (list.length < cap) list.push(id);
  else list[Math.floor(Math.random() * list.length)] = id;
}
function rememberId(id: string, lga: string) {
  remember(recentIds, id, 5000);
  let inLga = recentByLga.get(lga);
  if (!inLga) recentByLga.set(lga, (inLga = []));
  remember(inLga, id, 500);
}

let runSalt = Math.floor(Math.random() * 9_000) + 500;
let ninCounter = 0;
/** Each generator thread of a run uses its own salt (500–9499), so their fresh NINs never collide. */
export function useNinSalt(salt: number) {
  runSalt = salt;
}
/** A fresh, well-formed NIN, unique within this run (3xxxxxxxxxx; the seed's NINs start with 2). */
function freshNin(): string {
  return String(30_000_000_000 + runSalt * 1_000_000 + (ninCounter++ % 1_000_000));
}

const templates = masterAnswerSets();
const firstNames = ['Adebayo', 'Folake', 'Chinedu', 'Yetunde', 'Ibrahim', 'Kemi', 'Segun', 'Bukola'];
const surnames = ['Adeyemi', 'Okafor', 'Balogun', 'Ogunleye', 'Lawal', 'Afolabi', 'Bello', 'Ajayi'];
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

export interface Account {
  role: StaffRole;
  email: string;
}

/** The i-th user of a staff role signs in with one of the seed's accounts of that role (round robin). */
export function accountFor(role: StaffRole, ordinal: number): Account {
  return { role, email: loadEmail(role, (ordinal % STAFF_PLAN[role]) + 1) };
}

/**
 * Per-account budget for the NIN pre-check (20 per minute per account on the server): several users
 * may share one seeded account, and together they must stay under the limit a real person has alone.
 */
const ninBudget = new Map<string, number[]>();
/** Forget every account's pre-check budget (a benchmark against a fresh server, whose counters start at 0). */
export function resetNinBudget() {
  ninBudget.clear();
}
function ninCheckAllowed(email: string, now: number): boolean {
  const times = (ninBudget.get(email) ?? []).filter((t) => now - t < 60_000);
  if (times.length >= 15) return false;
  times.push(now);
  ninBudget.set(email, times);
  return true;
}

/** Per role: the mix as parallel arrays with cumulative weights (no allocation per pick). */
const CUMULATIVE = Object.fromEntries(
  Object.entries(MIX).map(([role, weights]) => {
    const actions = Object.keys(weights) as Action[];
    let total = 0;
    const upTo = actions.map((a) => (total += weights[a]!));
    return [role, { actions, upTo, total }];
  }),
) as Record<VuRole, { actions: Action[]; upTo: number[]; total: number }>;

const PAGES = ['/', '/login', '/register', '/marketplace'];
const OK = [200];
const OK_OR_304 = [200, 304];
const ACCEPTED = [202];
const NO_CONTENT = [204];
const LGAS = ['ibadan_north', 'ogbomosho_south', 'iseyin', 'oyo_east', 'saki_west'];
const LIST_ROLES = ['enumerator', 'supervisor'];
const QUERIES = ['ade', 'folake', 'okafor', 'load-enum'];

/** What one request gave: status (0: no answer), the body when read, and the response's raw headers. */
export interface Answer {
  status: number;
  body: unknown;
  /** A response header's first value, by lower-case name. */
  header(name: string): string | undefined;
  /** Every value of a response header (e.g. set-cookie), by lower-case name. */
  headers(name: string): string[];
}

/**
 * One request's exchange with undici at its lowest level (`Client.dispatch` with a handler): no
 * response stream, no promise chain per chunk; the body is kept only when the caller reads it (or it
 * is an error, whose code goes into the reason), otherwise its chunks are dropped as they arrive.
 */
class Exchange implements Answer {
  status = 0;
  body: unknown = undefined;
  error?: Error;
  private raw: Buffer[] | null = null;
  private chunks: Buffer[] | null = null;
  private resolve!: (e: Exchange) => void;
  readonly done: Promise<Exchange>;

  constructor(private readonly keep: boolean) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  onConnect() {}

  onHeaders(statusCode: number, rawHeaders: Buffer[]) {
    this.status = statusCode;
    this.raw = rawHeaders;
    if (this.keep || statusCode >= 400) this.chunks = [];
    return true;
  }

  onData(chunk: Buffer) {
    this.chunks?.push(chunk);
    return true;
  }

  onComplete() {
    if (this.chunks) {
      let text = '';
      try {
        let buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
        if (this.header('content-encoding') === 'gzip') buf = gunzipSync(buf);
        text = buf.toString('utf8');
      } catch (err) {
        this.error = err as Error;
      }
      this.chunks = null;
      try {
        this.body = text ? JSON.parse(text) : undefined;
      } catch {
        this.body = text;
      }
    }
    this.resolve(this);
  }

  onError(err: Error) {
    this.error = err;
    this.chunks = null;
    this.resolve(this);
  }

  headers(name: string): string[] {
    const out: string[] = [];
    const raw = this.raw;
    if (!raw) return out;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const key = raw[i]!;
      if (key.length === name.length && key.toString('latin1').toLowerCase() === name)
        out.push(raw[i + 1]!.toString('latin1'));
    }
    return out;
  }

  header(name: string): string | undefined {
    return this.headers(name)[0];
  }
}

const BASE_HEADERS = { 'accept-encoding': 'gzip', 'user-agent': 'oslrs-load/1' } as const;
const HTML_HEADERS = { ...BASE_HEADERS, accept: 'text/html' };

export class VirtualUser {
  readonly client: Client;
  private cookie?: string;
  private csrf?: string;
  private etag?: string;
  private user?: { id: string; lga: string | null };
  readonly address: string;
  private readonly deviceId = `vu-${randomUUID().slice(0, 8)}`;
  /** Headers of a request without a body (plain, and a page's), rebuilt only when the cookie changes. */
  private plainHeaders: Record<string, string> = BASE_HEADERS;
  private htmlHeaders: Record<string, string> = HTML_HEADERS;

  constructor(
    readonly index: number,
    readonly role: VuRole,
    readonly account: Account | undefined,
    private readonly target: TargetInfo,
    private readonly record: Recorder,
    options: { timeoutMs?: number } = {},
  ) {
    this.address = sourceAddress(index);
    this.client = new Client(target.origin, {
      localAddress: this.address,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 120_000,
      headersTimeout: options.timeoutMs ?? 30_000,
      bodyTimeout: options.timeoutMs ?? 30_000,
      pipelining: 1,
    });
  }

  close() {
    return this.client.close().catch(() => {});
  }

  private async call(
    endpoint: string,
    method: 'GET' | 'POST',
    path: string,
    opts: {
      body?: unknown;
      headers?: Record<string, string>;
      expect?: number[];
      read?: boolean;
      check?: (status: number, body: unknown) => string | undefined;
    } = {},
  ): Promise<Answer> {
    let headers = opts.headers ?? this.plainHeaders;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      headers = { ...headers, 'content-type': 'application/json' };
      if (this.cookie) headers.cookie = this.cookie;
      if (this.csrf) headers['x-csrf-token'] = this.csrf;
      payload = JSON.stringify(opts.body);
    }
    const exchange = new Exchange(Boolean(opts.read || opts.check));
    const t0 = performance.now();
    this.client.dispatch({ method, path, headers, body: payload }, exchange);
    await exchange.done;
    const ms = performance.now() - t0;
    const { status, body, error } = exchange;
    let reason: string | undefined;
    if (error) reason = `${(error as { code?: string }).code ?? 'ERROR'}: ${error.message}`;
    else {
      try {
        if (!(opts.expect ?? OK).includes(status)) {
          const code = (body as { error?: { code?: string } } | undefined)?.error?.code;
          reason = `HTTP ${status}${code ? ` ${code}` : ''}`;
        } else if (opts.check) reason = opts.check(status, body);
      } catch (err) {
        reason = `ERROR: ${(err as Error).message}`;
      }
    }
    this.record({ endpoint, ms, status, ok: !reason, reason });
    return exchange;
  }

  /** Headers with this user's cookie and `extra` (a request's own headers, e.g. If-None-Match). */
  private withCookie(extra: Record<string, string>): Record<string, string> {
    const headers: Record<string, string> = { ...BASE_HEADERS, ...extra };
    if (this.cookie) headers.cookie = this.cookie;
    return headers;
  }

  /** Sign in (staff) — sets this user's cookie and CSRF token. */
  async login(): Promise<boolean> {
    if (!this.account) return false;
    if (this.cookie) {
      await this.call('POST /auth/logout', 'POST', '/api/v1/auth/logout', { body: {}, expect: NO_CONTENT });
      this.setCookie(undefined);
      this.csrf = undefined;
    }
    const res = await this.call('POST /auth/login', 'POST', '/api/v1/auth/login', {
      body: { email: this.account.email, password: LOAD_PASSWORD },
      read: true,
    });
    const first = res.header('set-cookie');
    if (res.status !== 200 || !first) return false;
    this.setCookie(first.split(';')[0]);
    const body = res.body as { csrfToken: string; user: { id: string; lga: string | null } };
    this.csrf = body.csrfToken;
    this.user = body.user;
    return true;
  }

  private setCookie(cookie: string | undefined) {
    this.cookie = cookie;
    this.plainHeaders = cookie ? { ...BASE_HEADERS, cookie } : BASE_HEADERS;
    this.htmlHeaders = cookie ? { ...HTML_HEADERS, cookie } : HTML_HEADERS;
  }

  /** The LGA of this user's submissions (the survey's lga_id, which the server files them under). */
  private get lga(): string {
    return this.user?.lga ?? 'ibadan_north';
  }

  /** The next schema fetch is this user's first again (answered 200, not 304). */
  forgetEtag() {
    this.etag = undefined;
  }

  get signedIn() {
    return Boolean(this.cookie);
  }

  pickAction(): Action {
    const { actions, upTo, total } = CUMULATIVE[this.role];
    const x = Math.random() * total;
    for (let i = 0; i < actions.length; i++) if (x < upTo[i]!) return actions[i]!;
    return 'health';
  }

  private submission(channel: 'enumerator' | 'clerk') {
    const completed = Date.now() - Math.floor(Math.random() * 3_600_000);
    const started = completed - (8 + Math.floor(Math.random() * 15)) * 60_000;
    const answers = {
      ...pick(templates),
      nin: freshNin(),
      surname: pick(surnames),
      firstname: pick(firstNames),
      phone_number: `080${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
      lga_id: this.lga,
      start_time: new Date(started).toISOString(),
      end_time: new Date(completed).toISOString(),
    };
    const gps = { lat: 7 + Math.random() * 2, lng: 2.7 + Math.random() * 1.9, accuracy: 5 + Math.random() * 20 };
    if (channel === 'enumerator') Object.assign(answers, { gps_location: gps, device_id: this.deviceId });
    return {
      id: randomUUID(),
      questionnaireVersionId: this.target.versionId,
      answers,
      startedAt: new Date(started).toISOString(),
      completedAt: new Date(completed).toISOString(),
      ...(channel === 'enumerator' ? { gps, deviceId: this.deviceId } : {}),
    };
  }

  /** A batch of n fresh, valid submissions (as an outbox syncing); returns their ids. */
  async sendBatch(n: number): Promise<string[]> {
    const items = Array.from({ length: n }, () => this.submission('enumerator'));
    await this.call(`POST /submissions/batch`, 'POST', '/api/v1/submissions/batch', {
      body: { submissions: items },
      check: (_status, body) => {
        const results = (body as { results?: { status: string; error?: { code: string } }[] }).results ?? [];
        const bad = results.filter((r) => r.status === 'error');
        if (results.length !== n) return `batch answered ${results.length} of ${n}`;
        if (bad.length) return `batch item error ${bad[0]!.error?.code}`;
        for (const item of items) rememberId(item.id, this.lga);
        return undefined;
      },
    });
    return items.map((i) => i.id);
  }

  async statusOf(id: string): Promise<string> {
    const res = await this.call('GET /submissions/:id', 'GET', `/api/v1/submissions/${id}`, { read: true });
    return (res.body as { status?: string } | undefined)?.status ?? `HTTP ${res.status}`;
  }

  async run(action: Action): Promise<void> {
    const t = this.target;
    switch (action) {
      case 'page':
        await this.call('GET / (page)', 'GET', pick(PAGES), { headers: this.htmlHeaders });
        return;
      case 'asset':
        if (!t.assets.length) return this.run('page');
        await this.call('GET /assets/* (hashed)', 'GET', pick(t.assets));
        return;
      case 'forms':
        await this.call('GET /forms', 'GET', '/api/v1/forms');
        return;
      case 'schema': {
        const res = await this.call('GET /forms/:id/schema', 'GET', `/api/v1/forms/${t.questionnaireId}/schema`, {
          headers: this.etag ? this.withCookie({ 'if-none-match': this.etag }) : undefined,
          expect: OK_OR_304,
        });
        const etag = res.header('etag');
        if (etag !== undefined) this.etag = etag;
        return;
      }
      case 'health':
        await this.call('GET /health', 'GET', '/api/v1/health');
        return;
      case 'login':
        await this.login();
        return;
      case 'me':
        await this.call('GET /auth/me', 'GET', '/api/v1/auth/me');
        return;
      case 'checkNin': {
        if (!ninCheckAllowed(this.account!.email, Date.now())) return this.run('me');
        const known = t.seededRespondents > 0 && Math.random() < 0.3;
        const nin = known
          ? String(20_000_000_000 + (1 + Math.floor(Math.random() * t.seededRespondents)) * 9973)
          : freshNin();
        await this.call('POST /forms/check-nin', 'POST', '/api/v1/forms/check-nin', { body: { nin } });
        return;
      }
      case 'batch':
        await this.sendBatch(1 + Math.floor(Math.random() * 10));
        return;
      case 'submit': {
        const item = this.submission('clerk');
        await this.call('POST /submissions', 'POST', '/api/v1/submissions', { body: item, expect: ACCEPTED });
        rememberId(item.id, this.lga);
        return;
      }
      case 'mySubmissions':
        await this.call('GET /submissions (own)', 'GET', '/api/v1/submissions?limit=20');
        return;
      case 'submissionStatus': {
        const ids = this.role === 'supervisor' ? recentByLga.get(this.lga) : recentIds;
        if (!ids?.length) return this.run('me');
        await this.call('GET /submissions/:id', 'GET', `/api/v1/submissions/${pick(ids)}`);
        return;
      }
      case 'staffList': {
        const query = new URLSearchParams({ page: String(1 + Math.floor(Math.random() * 3)), pageSize: '25' });
        const f = Math.random();
        if (f < 0.3) query.set('lga', pick(LGAS));
        else if (f < 0.5) query.set('role', pick(LIST_ROLES));
        else if (f < 0.65) query.set('status', 'active');
        else if (f < 0.8) query.set('q', pick(QUERIES));
        await this.call('GET /staff (filters)', 'GET', `/api/v1/staff?${query}`);
        return;
      }
      case 'staffSummary':
        await this.call('GET /staff/summary', 'GET', '/api/v1/staff/summary');
        return;
    }
  }
}

/** Discover the questionnaire, its version and the hashed assets from the running target. */
export async function discover(origin: string, seededRespondents = 0): Promise<TargetInfo> {
  const forms = (await (await fetch(`${origin}/api/v1/forms`)).json()) as {
    settings: { staffQuestionnaireId: string | null };
  };
  const questionnaireId = forms.settings.staffQuestionnaireId;
  if (!questionnaireId) throw new Error(`${origin}: no staff questionnaire is set (run npm run seed:scale first)`);
  const schema = (await (await fetch(`${origin}/api/v1/forms/${questionnaireId}/schema`)).json()) as {
    versionId: string;
  };
  const html = await (await fetch(`${origin}/`)).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  return { origin, questionnaireId, versionId: schema.versionId, assets, seededRespondents };
}
