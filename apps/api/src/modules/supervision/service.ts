import { uuidv7 } from 'uuidv7';
import type {
  AdminOverview,
  ListMessagesQuery,
  Message,
  MessagePage,
  OpsAlert,
  ProgressResponse,
  Role,
  SendMessageBody,
  SetTargetBody,
  TeamQuery,
  TeamResponse,
  UnreadResponse,
} from '@oslrs/core';
import type { Db } from '../../infra/db.js';
import { Forbidden, Unprocessable } from '../../errors.js';
import { can, requireAccess, type Actor } from '../../access/index.js';
import { recordAudit } from '../audit/index.js';
import type { TeamPerson, UserRepository } from '../auth/index.js';
import type { CollectorDay, SubmissionStats } from '../submissions/index.js';
import { calendarAt, earliest } from './calendar.js';
import type { InboxRow, SupervisionRepository, TargetRow } from './repository.js';

const DAY = 86_400_000;
/** Devices hold work at most a week offline: a last sync is looked for among two weeks of surveys. */
const LAST_SYNC_WINDOW_MS = 14 * DAY;
const MAX_POINTS = 500;
const FLAGGED_WAITING_WINDOW_MS = 30 * DAY;

interface QueueCounter {
  queueCounts(): Promise<{ waiting: number; active: number; delayed: number; failed: number }>;
}
interface AlertSource {
  alerts(): Promise<OpsAlert[]>;
}

const toTarget = (t: TargetRow | undefined) => (t ? { daily: t.daily, weekly: t.weekly } : null);

/** Per-collector numbers folded from per-day rows. */
function fold(rows: CollectorDay[], days: string[], weekStartDay: string) {
  const by = new Map<
    string,
    { today: number; week: number; flagged: number; rejected: number; returned: number; series: number[] }
  >();
  const today = days[days.length - 1]!;
  for (const r of rows) {
    let m = by.get(r.collectorId);
    if (!m) {
      m = { today: 0, week: 0, flagged: 0, rejected: 0, returned: 0, series: days.map(() => 0) };
      by.set(r.collectorId, m);
    }
    const i = days.indexOf(r.day);
    if (i >= 0) m.series[i]! += r.n;
    if (r.day === today) m.today += r.n;
    if (r.day >= weekStartDay) {
      m.week += r.n;
      m.flagged += r.flagged;
      m.rejected += r.rejected;
      m.returned += r.returned;
    }
  }
  return by;
}

/**
 * Supervision: the team dashboard and targets, an enumerator's own progress, messages between a
 * supervisor and their enumerators, and the admin's landing overview.
 */
export class SupervisionService {
  constructor(
    private readonly db: Db,
    private readonly repo: SupervisionRepository,
    private readonly users: UserRepository,
    private readonly stats: SubmissionStats,
    private readonly queue: QueueCounter,
    private readonly ops: AlertSource,
    private readonly tileUrl: string | null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // --- team and targets -------------------------------------------------------------------------

  /** The team of one LGA (a supervisor's own; a super admin's choice, or every LGA). */
  async team(actor: Actor, query: TeamQuery): Promise<TeamResponse> {
    const lga = actor.role === 'super_admin' ? (query.lga ?? null) : (query.lga ?? actor.lgaCode);
    // A supervisor asking for another LGA is out of scope: the same 404 as a missing record.
    requireAccess(actor, 'team.read', { lgaCode: lga });
    const members = await this.users.fieldTeam(this.db, 'enumerator', lga);
    const ids = members.map((m) => m.id);
    const now = this.now();
    const cal = calendarAt(now);
    const [rows, last, fixes, targets] = await Promise.all([
      this.stats.perCollectorDay(this.db, ids, earliest(cal.seriesStart, cal.weekStart)),
      this.stats.lastReceived(this.db, ids, new Date(now.getTime() - LAST_SYNC_WINDOW_MS)),
      this.stats.gpsFixes(this.db, ids, cal.todayStart, MAX_POINTS),
      this.repo.targets(this.db, ids),
    ]);
    const weekStartDay = new Date(cal.weekStart.getTime() + 3_600_000).toISOString().slice(0, 10);
    const numbers = fold(rows, cal.days, weekStartDay);
    const empty = { today: 0, week: 0, flagged: 0, rejected: 0, returned: 0, series: cal.days.map(() => 0) };
    const out = members.map((m: TeamPerson) => {
      const n = numbers.get(m.id) ?? empty;
      return {
        id: m.id,
        fullName: m.fullName,
        lga: m.lgaCode,
        status: m.status,
        target: toTarget(targets.get(m.id)),
        today: n.today,
        week: n.week,
        lastSyncAt: last.get(m.id)?.toISOString() ?? null,
        flagged: n.flagged,
        rejected: n.rejected,
        returned: n.returned,
        series: n.series,
      };
    });
    // Respondents' locations are personal data: a view of them is recorded (one row per page view).
    await recordAudit(this.db, actor, {
      action: 'supervision.team_viewed',
      targetType: 'lga',
      targetId: lga,
      after: { enumerators: ids.length, points: fixes.length },
    });
    return {
      lga,
      days: cal.days,
      weekStart: weekStartDay,
      members: out,
      totals: {
        today: out.reduce((s, m) => s + m.today, 0),
        week: out.reduce((s, m) => s + m.week, 0),
        flagged: out.reduce((s, m) => s + m.flagged, 0),
        series: cal.days.map((_, i) => out.reduce((s, m) => s + m.series[i]!, 0)),
      },
      points: fixes.map((f) => ({
        submissionId: f.submissionId,
        enumeratorId: f.collectorId,
        lat: f.lat,
        lng: f.lng,
        accuracy: f.accuracy,
        completedAt: f.completedAt.toISOString(),
        band: f.band,
      })),
      tileUrl: this.tileUrl,
    };
  }

  /** Sets an enumerator's targets: their LGA's supervisor, or a super admin. Audited with before and after. */
  async setTarget(actor: Actor, enumeratorId: string, body: SetTargetBody) {
    return this.db.transaction(async (tx) => {
      const person = await this.users.teamPerson(tx, enumeratorId);
      requireAccess(
        actor,
        'target.set',
        person && { lgaCode: person.lgaCode, role: person.role as Role, ownerId: person.id },
      );
      const before = await this.repo.lockTarget(tx, enumeratorId);
      const row = await this.repo.upsertTarget(tx, {
        userId: enumeratorId,
        daily: body.daily,
        weekly: body.weekly,
        updatedBy: actor.id,
      });
      await recordAudit(tx, actor, {
        action: 'staff.target_set',
        targetType: 'user',
        targetId: enumeratorId,
        before: toTarget(before),
        after: toTarget(row),
      });
      return { enumeratorId, target: toTarget(row)!, updatedAt: row.updatedAt.toISOString() };
    });
  }

  /** An enumerator's own progress: today and this week against their target, returns, unread messages. */
  async progress(actor: Actor): Promise<ProgressResponse> {
    const me = actor.id!;
    const now = this.now();
    const cal = calendarAt(now);
    const [rows, targets, inbox] = await Promise.all([
      this.stats.perCollectorDay(this.db, [me], earliest(cal.seriesStart, cal.weekStart)),
      this.repo.targets(this.db, [me]),
      this.repo.unread(this.db, me),
    ]);
    const weekStartDay = new Date(cal.weekStart.getTime() + 3_600_000).toISOString().slice(0, 10);
    const n = fold(rows, cal.days, weekStartDay).get(me);
    return {
      target: toTarget(targets.get(me)),
      today: n?.today ?? 0,
      week: n?.week ?? 0,
      returned: n?.returned ?? 0,
      rejected: n?.rejected ?? 0,
      unread: inbox.unread,
      days: cal.days,
      series: n?.series ?? cal.days.map(() => 0),
      asOf: now.toISOString(),
    };
  }

  // --- messages ---------------------------------------------------------------------------------

  /** The people this actor may write to: a supervisor's enumerators, an enumerator's supervisors. */
  async contacts(actor: Actor) {
    const role = actor.role === 'supervisor' ? 'enumerator' : 'supervisor';
    const people = actor.lgaCode ? await this.users.fieldTeam(this.db, role, actor.lgaCode) : [];
    return { items: people.map((p) => ({ id: p.id, fullName: p.fullName })) };
  }

  /**
   * One message to one team member, or to the whole team ("team": a supervisor's enumerators, an
   * enumerator's supervisors) as one row per recipient, in one transaction.
   */
  async send(actor: Actor, body: SendMessageBody): Promise<Message> {
    let recipients: TeamPerson[];
    if (body.to === 'team') {
      const role = actor.role === 'supervisor' ? 'enumerator' : 'supervisor';
      recipients = actor.lgaCode ? await this.users.fieldTeam(this.db, role, actor.lgaCode) : [];
      if (!recipients.length) throw Unprocessable('NO_RECIPIENTS', 'Your team has no one to send this to yet');
    } else {
      const person = await this.users.teamPerson(this.db, body.to);
      const reachable =
        person &&
        (person.status === 'active' || person.status === 'invited') &&
        can(actor, 'message.send', { lgaCode: person.lgaCode, role: person.role as Role });
      // Outside the team, or no such person: the same refusal, so ids cannot be probed.
      if (!reachable) throw Forbidden('NOT_YOUR_TEAM');
      recipients = [person];
    }
    const row = await this.db.transaction(async (tx) => {
      const message = await this.repo.insertMessage(
        tx,
        {
          id: uuidv7(),
          senderId: actor.id!,
          kind: body.to === 'team' ? 'team' : 'direct',
          toUserId: body.to === 'team' ? null : body.to,
          lgaCode: actor.lgaCode,
          body: body.body,
          recipients: recipients.length,
        },
        recipients.map((r) => r.id),
      );
      // The body is not copied into the audit log: who wrote to whom, when, is the record.
      await recordAudit(tx, actor, {
        action: 'message.sent',
        targetType: 'message',
        targetId: message.id,
        after: { kind: message.kind, to: body.to, recipients: recipients.length, length: body.body.length },
      });
      return message;
    });
    const names = await this.users.namesOf(this.db, [actor.id!, ...(row.toUserId ? [row.toUserId] : [])]);
    return this.view(
      {
        id: row.id,
        senderId: row.senderId,
        kind: row.kind,
        toUserId: row.toUserId,
        body: row.body,
        recipients: row.recipients,
        createdAt: row.createdAt,
        readAt: null,
        direction: 'out',
      },
      names,
    );
  }

  async list(actor: Actor, query: ListMessagesQuery): Promise<MessagePage> {
    const me = actor.id!;
    const [rows, inbox] = await Promise.all([
      this.repo.inbox(this.db, me, query.limit + 1, query.cursor),
      this.repo.unread(this.db, me),
    ]);
    const page = rows.slice(0, query.limit);
    const names = await this.users.namesOf(
      this.db,
      page.flatMap((r) => [r.senderId, ...(r.toUserId ? [r.toUserId] : [])]),
    );
    return {
      items: page.map((r) => this.view(r, names)),
      nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
      unread: inbox.unread,
    };
  }

  async unread(actor: Actor): Promise<UnreadResponse> {
    return this.repo.unread(this.db, actor.id!);
  }

  /** Marks a received message read (idempotent); only its recipient may, anyone else gets 404. */
  async markRead(actor: Actor, messageId: string): Promise<{ id: string; readAt: string }> {
    const mine = actor.id ? await this.repo.recipientOf(this.db, messageId, actor.id) : undefined;
    requireAccess(actor, 'message.read', mine && { ownerId: mine.recipientId });
    const readAt = await this.repo.markRead(this.db, messageId, actor.id!);
    return { id: messageId, readAt: (readAt ?? new Date()).toISOString() };
  }

  private view(r: InboxRow, names: Map<string, string>): Message {
    const name = (id: string) => names.get(id) ?? 'Former staff member';
    return {
      id: r.id,
      direction: r.direction,
      from: { id: r.senderId, fullName: name(r.senderId) },
      to:
        r.kind === 'team' || !r.toUserId
          ? { kind: 'team', recipients: r.recipients }
          : { kind: 'user', id: r.toUserId, fullName: name(r.toUserId) },
      body: r.body,
      createdAt: r.createdAt.toISOString(),
      readAt: r.readAt?.toISOString() ?? null,
    };
  }

  // --- admin landing ----------------------------------------------------------------------------

  /** Today's work, flagged work waiting, queue sizes and ops alerts: the super admin's landing page. */
  async overview(): Promise<AdminOverview> {
    const now = this.now();
    const cal = calendarAt(now);
    const [counts, queue, alerts] = await Promise.all([
      this.stats.overview(this.db, {
        todayStart: cal.todayStart,
        weekStart: cal.weekStart,
        flaggedSince: new Date(now.getTime() - FLAGGED_WAITING_WINDOW_MS),
      }),
      this.queue.queueCounts().catch(() => null),
      this.ops.alerts().catch(() => [] as OpsAlert[]),
    ]);
    return {
      submissions: { today: counts.today, week: counts.week, pendingIngest: counts.pendingIngest },
      flaggedWaiting: counts.flaggedWaiting,
      queue: queue && {
        waiting: queue.waiting,
        active: queue.active,
        delayed: queue.delayed,
        failed: queue.failed,
      },
      alerts,
      asOf: now.toISOString(),
    };
  }
}
