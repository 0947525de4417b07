/**
 * The feature-phone channel end to end: whole USSD sessions through the real callback (form posts with
 * the gateway secret) on the real PostgreSQL and Redis, ingested by the real worker, with the SMS they
 * earn read from the outbox the development transport records.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { SECTORS, SKILLS } from '@oslrs/core';
import { useTestApp } from '../../../test/use-test-app.js';
import { waitFor } from '../../../test/harness.js';
import { freshNin, publishForm } from '../../../test/testkit.js';
import { respondents, smsOutbox, submissions } from '../../db/schema/index.js';
import { AggregatorSmsTransport, DevSmsTransport, OutboxSms, SmsRelay } from '../../infra/sms.js';
import { importXlsForm } from '../questionnaires/xlsform.js';
import { everyScreen, SCREEN_MAX } from './flow.js';
import { textsFor } from './texts.js';
import { ChannelService } from './service.js';

const SECRET = 'gateway-secret-for-tests-0123456789';
const app = useTestApp({ env: { USSD_CALLBACK_SECRET: SECRET, SMS_INTERVAL_MS: '100', USSD_PHONE_PER_MINUTE: '60' } });

let phoneSeq = 0;
/** A fresh Nigerian mobile number, international form, unique in this file. */
function freshPhone(): string {
  phoneSeq++;
  return `+23480${randomBytes(2).readUInt16BE(0).toString().padStart(5, '0')}${String(phoneSeq).padStart(3, '0')}`;
}

interface Turn {
  request: Record<string, string>;
  status: number;
  reply: string;
}

async function post(fields: Record<string, string>, secret: string | null = SECRET) {
  return app.t.app.inject({
    method: 'POST',
    url: `/api/v1/channels/ussd${secret === null ? '' : `?secret=${encodeURIComponent(secret)}`}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** One session: every prefix of `inputs`, as the gateway sends them; the replies in order. */
async function dial(phone: string, inputs: string[], sessionId = `ATUid_${randomBytes(8).toString('hex')}`) {
  const turns: Turn[] = [];
  for (let i = 0; i <= inputs.length; i++) {
    const request = {
      sessionId,
      serviceCode: '*347*100#',
      phoneNumber: phone,
      networkCode: '62120',
      text: inputs.slice(0, i).join('*'),
    };
    const res = await post(request);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^(CON|END) /);
    expect(res.body.length - 4, res.body).toBeLessThanOrEqual(SCREEN_MAX);
    turns.push({ request, status: res.statusCode, reply: res.body });
  }
  return { sessionId, turns, last: turns[turns.length - 1]!.reply };
}

const sectorNo = (code: string) => String(SECTORS.findIndex((s) => s.code === code) + 1);
const skillNo = (slug: string) => {
  const skill = SKILLS.find((s) => s.slug === slug)!;
  return String(SKILLS.filter((s) => s.sector === skill.sector).findIndex((s) => s.slug === slug) + 1);
};

/** Register (English unless `lang` 2): NIN given, or '0' for later. */
function registration(o: { lang?: '1' | '2'; nin: string; surname?: string; lga?: string[] }) {
  return [
    o.lang ?? '1',
    '1',
    o.surname ?? 'Adeyemi',
    'Bisi',
    '2',
    '12041991',
    ...(o.lga ?? ['ise']),
    sectorNo('FBP'),
    skillNo('tailoring'),
    '1',
    '3',
    o.nin,
    '1',
    '2',
    '1',
  ];
}

async function smsTo(phone: string, n = 1) {
  return waitFor(async () => {
    const rows = await app.t.database.db
      .select()
      .from(smsOutbox)
      .where(and(eq(smsOutbox.toHash, app.t.runtime.pii.blindIndex(phone, 'phone'))))
      .orderBy(smsOutbox.createdAt);
    return rows.length >= n && rows.every((r) => r.sentAt) ? rows : null;
  });
}

async function submissionOf(phone: string) {
  const hash = app.t.runtime.pii.blindIndex(phone, 'phone');
  return waitFor(async () => {
    const [row] = await app.t.database.db
      .select()
      .from(submissions)
      .where(eq(submissions.phoneHash, hash))
      .orderBy(desc(submissions.receivedAt))
      .limit(1);
    return row && row.status !== 'received' ? row : null;
  });
}

beforeAll(async () => {
  const { form } = await importXlsForm(
    readFileSync(new URL('../../../test/fixtures/xlsform/oslsr-public-core-v1.xlsx', import.meta.url)),
  );
  await publishForm(app.t, app.admin, form);
});

describe('USSD screens', () => {
  it('every screen of the flow fits 182 characters, in English and Yorùbá, with any error or welcome back', () => {
    const screens = everyScreen(textsFor);
    expect(screens.length).toBeGreaterThan(100);
    const tooLong = screens.filter((s) => s.text.length > SCREEN_MAX).map((s) => `${s.where}: ${s.text.length}`);
    expect(tooLong).toEqual([]);
    // The Yorùbá screens are really Yorùbá (from yo.po), not English fallbacks.
    expect(screens.find((s) => s.where.startsWith('yo menu'))!.text).toContain('Forúkọ sílẹ̀');
    // Every sector and trade screen in Yorùbá lists Yorùbá names, never the English ones.
    const yoLists = screens.filter((s) => /^yo (sector|skill)/.test(s.where)).map((s) => s.text);
    expect(yoLists.length).toBeGreaterThan(20);
    const english = [...SECTORS.map((s) => s.name), ...SKILLS.map((s) => s.label)];
    expect(yoLists.filter((text) => english.some((name) => text.includes(`${name}\n`)))).toEqual([]);
  });
});

describe('USSD registration through the callback', () => {
  let englishPhone = '';
  let englishNin = '';

  it('English: a whole registration becomes an ingested ussd submission, a respondent with a verified phone, and an SMS with the reference', async () => {
    englishPhone = freshPhone();
    englishNin = freshNin();
    const { turns, last } = await dial(englishPhone, registration({ nin: englishNin }));
    // USSD_TRANSCRIPT=1 prints the session (requests and replies), e.g. for a change's closing note.
    if (process.env.USSD_TRANSCRIPT)
      console.log(
        turns.map((x) => `> ${new URLSearchParams(x.request)}\n< ${x.reply.replace(/\n/g, '\n  ')}`).join('\n'),
      );
    expect(turns[0]!.reply).toBe('CON OSLRS skills registry\n1 English\n2 Yorùbá');
    expect(turns[1]!.reply).toContain('1 Register');
    // "ise" narrowed the LGAs to Iseyin alone: the next screen is the sector list.
    expect(turns[7]!.reply).toContain('Choose a sector');
    expect(turns.at(-2)!.reply).toContain('Adeyemi Bisi, Female, 12/04/1991, Iseyin. Tailoring/Sewing, 4-6 years.');
    expect(last).toMatch(
      /^END (Registered\. Your reference is OY-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}\.|Thank you, your registration was received)/,
    );

    const sub = await submissionOf(englishPhone);
    expect(sub.channel).toBe('ussd');
    expect(sub.status).toBe('ingested');
    expect(sub.submittedBy).toBeNull();
    const [person] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, sub.respondentId!));
    expect(person).toMatchObject({
      source: 'ussd',
      phoneVerified: true,
      status: 'active',
      lgaCode: 'iseyin',
      mainOccupation: 'Tailoring/Sewing',
      consentMarketplace: true,
      consentEnriched: false,
    });
    // The stored occupation is the trade's English name; the record names its skill for pages to word.
    const detail = await app.call(app.admin, { method: 'GET', url: `/api/v1/respondents/${person!.id}` });
    expect(detail.json().respondent).toMatchObject({
      mainOccupation: 'Tailoring/Sewing',
      mainOccupationSkill: 'tailoring',
    });
    // The reference a resident is told is the record's short one (OY-7K3-9QX), the same everywhere.
    const ref = person!.reference;
    expect(ref).toMatch(/^OY-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}$/);
    if (last.startsWith('END Registered')) expect(last).toContain(ref);
    const [sms] = await smsTo(englishPhone);
    expect(sms!.body).toBe(`OSLRS: you are registered in the Oyo State skills registry. Your reference is ${ref}.`);
    expect(sms!.transport).toBe('dev');

    // Check my registration: this phone's registration, status and reference.
    const check = await dial(englishPhone, ['1', '2']);
    expect(check.last).toBe(`END Registration ${ref} is complete.`);
    const none = await dial(freshPhone(), ['1', '2']);
    expect(none.last).toBe('END No registration was found for this phone number.');
  });

  it('Yorùbá with the NIN deferred: pending NIN capture, and an SMS in Yorùbá with the one-time completion link', async () => {
    const phone = freshPhone();
    const { turns, last } = await dial(phone, registration({ lang: '2', nin: '0', surname: 'Ogunleye' }));
    expect(turns[1]!.reply).toContain('1 Forúkọ sílẹ̀');
    // The sector list, the trade list and the review name them in Yorùbá (the catalogue's taxonomy).
    const yo = textsFor('yo');
    expect(turns[7]!.reply).toContain(`${sectorNo('FBP')} ${yo('taxonomy.sector.FBP')}`);
    expect(yo('taxonomy.sector.FBP')).toBe('Aṣọ, ẹwà àti ìtọ́jú ara');
    expect(turns[7]!.reply).not.toContain('Fashion');
    expect(turns[8]!.reply).toContain(`${skillNo('tailoring')} Aṣọ rírán (tẹ́lọ̀)`);
    expect(turns.at(-2)!.reply).toContain('Aṣọ rírán (tẹ́lọ̀)');
    expect(turns.at(-2)!.reply).toContain('NIN: nígbà míì');
    expect(last).toMatch(/^END (O ti forúkọ sílẹ̀|A dúpẹ́)/);
    const sub = await submissionOf(phone);
    expect(sub.ninDeferred).toBe(true);
    const [person] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, sub.respondentId!));
    expect(person!.status).toBe('pending_nin_capture');
    const messages = await smsTo(phone, 2);
    expect(messages[0]!.body).toMatch(/^OSLRS: o ti wà nínú ìforúkọsílẹ̀/);
    const link = /http:\/\/registry\.test\/register\/complete-nin\?token=(\S+) /.exec(messages[1]!.body!);
    expect(link, messages[1]!.body!).not.toBeNull();
    // The link is the real one-time NIN-completion token of the record.
    const res = await app.call(null, {
      method: 'POST',
      url: '/api/v1/respondents/complete-nin',
      payload: { token: decodeURIComponent(link![1]!), nin: freshNin() },
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('a NIN already registered: the same neutral answer as the web, by USSD and by SMS', async () => {
    const phone = freshPhone();
    const { last } = await dial(phone, registration({ nin: englishNin, surname: 'Okafor' }));
    const sub = await submissionOf(phone);
    expect(sub.status).toBe('rejected');
    expect((sub.error as { code: string }).code).toBe('NIN_DUPLICATE');
    expect([
      'END This NIN cannot be registered here. Please contact the registry help desk.',
      'END Thank you, your registration was received. We will send your reference by SMS.',
    ]).toContain(last);
    const [sms] = await smsTo(phone);
    expect(sms!.body).toContain('This NIN cannot be registered here');
    expect(sms!.body).not.toMatch(/\d{4}-\d{2}-\d{2}|enumerator|public|ussd/);
    const check = await dial(phone, ['1', '2']);
    expect(check.last).toMatch(/was not accepted\. This NIN cannot be registered here/);
  });

  it('a session that timed out resumes where it stopped when the same phone dials again', async () => {
    const phone = freshPhone();
    const first = await dial(phone, ['1', '1', 'Adebayo', 'Tunde', '1']);
    expect(first.last).toContain('Date of birth as DDMMYYYY');
    // The gateway gave up on that session; the phone dials again (a new sessionId, empty text).
    const again = await dial(phone, ['01011985', 'ib', '2']);
    expect(again.turns[0]!.reply).toBe(`CON Welcome back.\n${first.last.slice(4)}`);
    // "ib" narrowed the list to the Ibadan and Ibarapa LGAs; 2 is the second of them.
    expect(again.turns[2]!.reply).toContain('1 Ibadan North\n2 Ibadan North-East');
    expect(again.last).toContain('Choose a sector');
    const done = await dial(phone, [sectorNo('CON'), skillNo('plumbing'), '2', '5', freshNin(), '2', '1']);
    expect(done.turns[0]!.reply).toContain('Welcome back');
    expect(done.last).toMatch(/^END /);
    const sub = await submissionOf(phone);
    expect(sub.status).toBe('ingested');
    const [person] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, sub.respondentId!));
    expect(person).toMatchObject({
      surname: 'Adebayo',
      firstname: 'Tunde',
      lgaCode: 'ibadan_north_east',
      dob: '1985-01-01',
    });
  });

  it('# goes back one screen, and LGA pages turn with 0', async () => {
    const phone = freshPhone();
    const s = await dial(phone, ['1', '1', 'Ola', '#', 'Olu', 'Ade', '3', '01011990', '0', '0', '#']);
    expect(s.turns[4]!.reply).toContain('Surname');
    expect(s.turns[9]!.reply).not.toBe(s.turns[10]!.reply);
    expect(s.last).toBe(s.turns[9]!.reply);
  });

  it('the third registration from one phone is flagged (fraud signal), never refused', async () => {
    const phone = freshPhone();
    for (const surname of ['Alao', 'Alabi', 'Alade']) {
      await dial(phone, registration({ nin: freshNin(), surname }));
      await submissionOf(phone);
    }
    const hash = app.t.runtime.pii.blindIndex(phone, 'phone');
    const rows = await app.t.database.db
      .select()
      .from(submissions)
      .where(eq(submissions.phoneHash, hash))
      .orderBy(submissions.completedAt);
    expect(rows.map((r) => r.status)).toEqual(['ingested', 'ingested', 'ingested']);
    const reasons = rows.map((r) => ((r.fraudReasons as string[]) ?? []).filter((x) => x.startsWith('same phone')));
    expect(reasons[0]).toEqual([]);
    expect(reasons[1]).toEqual([]);
    expect(reasons[2]).toEqual(['same phone: 3 registrations gave this phone number within 30 days']);
  });
});

describe('USSD bad input', () => {
  it('no secret → 401, a wrong one → 401, as JSON errors', async () => {
    const fields = { sessionId: 'x1', phoneNumber: '+2348030000001', text: '', serviceCode: '*1#', networkCode: '1' };
    for (const secret of [null, 'wrong', `${SECRET}x`]) {
      const res = await post(fields, secret);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('GATEWAY_SECRET_INVALID');
    }
  });

  it('an unknown sessionId with a deep text ends politely', async () => {
    const res = await post({ sessionId: 'never-seen', phoneNumber: freshPhone(), text: '1*1*Ade*Bisi*2' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('END This session has ended. Please dial again.');
  });

  it('a text of 5,000 characters ends politely', async () => {
    const phone = freshPhone();
    const { sessionId } = await dial(phone, []);
    const res = await post({ sessionId, phoneNumber: phone, text: '1*'.repeat(2500) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('END Your reply was too long. Please dial again.');
  });

  it('non-digits where digits are asked, an LGA out of range, 31 February, a bad NIN: the screen again with a clear error', async () => {
    const phone = freshPhone();
    const s = await dial(phone, [
      '1',
      '1',
      'Ade',
      'Bisi',
      'two',
      '2',
      '31021990',
      '12041991',
      '99',
      'zzz',
      '16',
      '1',
      '1',
      '1',
      '2',
      '123',
    ]);
    const at = (i: number) => s.turns[i]!.reply;
    expect(at(5)).toMatch(/^CON Choose one of the numbers shown\.\nGender:/);
    expect(at(7)).toMatch(/^CON Date not valid, try DDMMYYYY\.\nDate of birth/);
    expect(at(9)).toMatch(/^CON Choose one of the numbers shown\.\n1 Afijio/);
    expect(at(10)).toMatch(/^CON No LGA starts with that\. Try again\./);
    expect(at(16)).toMatch(/^CON A NIN is 11 digits\. Or reply 0\.\nYour 11-digit NIN/);
    const young = await dial(freshPhone(), ['1', '1', 'Ade', 'Bisi', '2', '01012020']);
    expect(young.last).toMatch(/^CON You must be 15 or older/);
    const foreign = await post({ sessionId: 'f1', phoneNumber: '+447700900123', text: '' });
    expect(foreign.body).toBe('END This service needs a Nigerian mobile number.');
  });

  it('a retried request gets the same reply, the final confirm included (one submission)', async () => {
    const phone = freshPhone();
    const s = await dial(phone, registration({ nin: freshNin(), surname: 'Bakare' }));
    for (const turn of [s.turns[3]!, s.turns.at(-1)!]) {
      const again = await post(turn.request);
      expect(again.body).toBe(turn.reply);
    }
    const hash = app.t.runtime.pii.blindIndex(phone, 'phone');
    const rows = await app.t.database.db.select().from(submissions).where(eq(submissions.phoneHash, hash));
    expect(rows).toHaveLength(1);
  });

  it('a body without the gateway fields is a 400, never a 500', async () => {
    const res = await post({ text: '1' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('the admin simulator and the channel switch', () => {
  it('relays to the real callback for a super admin only, the secret staying on the server', async () => {
    const phone = freshPhone();
    const res = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/channels/ussd/simulate',
      payload: { sessionId: 'sim-1', phoneNumber: phone, text: '' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: 200, reply: 'CON OSLRS skills registry\n1 English\n2 Yorùbá' });
    expect(res.body).not.toContain(SECRET);
    const clerk = await app.as('data_entry_clerk');
    const denied = await app.call(clerk, {
      method: 'POST',
      url: '/api/v1/channels/ussd/simulate',
      payload: { sessionId: 'sim-2', phoneNumber: phone, text: '' },
    });
    expect(denied.statusCode).toBe(403);
    const outbox = await app.call(app.admin, {
      method: 'GET',
      url: `/api/v1/channels/sms/outbox?phone=${encodeURIComponent(phone)}`,
    });
    expect(outbox.statusCode, outbox.body).toBe(200);
    expect(outbox.json()).toEqual({ transport: 'dev', messages: [] });
  });

  it('without USSD_CALLBACK_SECRET the channel is off (404 CHANNEL_OFF)', () => {
    const off = new ChannelService(
      app.t.database.db,
      app.t.runtime.kv,
      app.t.runtime.pii,
      app.t.services.submissions,
      app.t.services.questionnaires,
      { send: async () => {} },
      new DevSmsTransport(),
      { secret: undefined, allowedIps: [], phonePerMinute: 10, publicUrl: 'http://x' },
    );
    expect(() => off.authenticateGateway(SECRET, '127.0.0.1')).toThrow(
      expect.objectContaining({ code: 'CHANNEL_OFF', statusCode: 404 }),
    );
    const listed = new ChannelService(
      app.t.database.db,
      app.t.runtime.kv,
      app.t.runtime.pii,
      app.t.services.submissions,
      app.t.services.questionnaires,
      { send: async () => {} },
      new DevSmsTransport(),
      { secret: SECRET, allowedIps: ['10.0.0.7'], phonePerMinute: 10, publicUrl: 'http://x' },
    );
    expect(() => listed.authenticateGateway(SECRET, '10.0.0.7')).not.toThrow();
    expect(() => listed.authenticateGateway(SECRET, '10.0.0.8')).toThrow(
      expect.objectContaining({ code: 'GATEWAY_SECRET_INVALID' }),
    );
  });
});

describe('SMS relay', () => {
  it('stops at the daily ceiling: the rest wait', async () => {
    const db = app.t.database.db;
    // The app's own relay would send them too: stopped, and a drain it had begun is waited for.
    await app.t.services.jobs.stop();
    const transport = new DevSmsTransport();
    const pii = app.t.runtime.pii;
    const already = await new SmsRelay(db, pii, transport, 0).sentToday();
    const to = freshPhone();
    // A ceiling one above what was sent today: of two new messages, one goes and one waits.
    const relay = new SmsRelay(db, pii, transport, already + 1);
    const outbox = new OutboxSms(pii);
    await outbox.send({ to, text: 'one' }, db);
    await outbox.send({ to, text: 'two' }, db);
    const first = await relay.drain();
    expect(first).toMatchObject({ sent: 1, held: 1 });
    expect(transport.sent).toEqual([{ to, text: 'one' }]);
    expect(await relay.drain()).toMatchObject({ sent: 0 });
    const rows = await db
      .select()
      .from(smsOutbox)
      .where(eq(smsOutbox.toHash, pii.blindIndex(to, 'phone')))
      .orderBy(smsOutbox.body);
    // At rest the number is sealed: no column holds its digits.
    expect(rows.every((r) => r.to === null && !JSON.stringify(r).includes(to.slice(-10)))).toBe(true);
    expect(rows.map((r) => [r.body, !!r.sentAt])).toEqual([
      ['one', true],
      ['two', false],
    ]);
  });

  it('the aggregator transport posts the Africa’s Talking form with the key in a header', async () => {
    const seen: { headers: Record<string, unknown>; body: string }[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(seen.length === 1 ? 201 : 500).end('{}');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as { port: number };
    const transport = new AggregatorSmsTransport({
      url: `http://127.0.0.1:${port}/version1/messaging`,
      apiKey: 'k-123',
      username: 'oslrs',
      senderId: 'OSLRS',
    });
    await transport.deliver('+2348031234567', 'Hello');
    await expect(transport.deliver('+2348031234567', 'Again')).rejects.toThrow(/500/);
    server.close();
    expect(seen[0]!.headers.apikey).toBe('k-123');
    expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toEqual({
      username: 'oslrs',
      to: '+2348031234567',
      message: 'Hello',
      from: 'OSLRS',
    });
  });
});
