import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomBytes } from 'node:crypto';
import type { Runtime } from './runtime.js';
import { accessLine, withLazyChildren } from './logging.js';
import { SmtpRelay, eraseExpiredMail, purgeOldMail } from './infra/mail.js';
import { frameworkErrors, registerErrorHandling, registerNotFound } from './plugins/errors.js';
import { registerAccessControl } from './plugins/access.js';
import { readCookies, registerCookies } from './plugins/cookies.js';
import { REQUEST_ID_KEY, securityHeaderResponse } from './plugins/security-headers.js';
import { siteRoutes } from './modules/site/index.js';
import { AuthService, LocalSessionCache, UserRepository, authRoutes } from './modules/auth/index.js';
import { StaffService, staffRoutes } from './modules/staff/index.js';
import { HOUSEKEEPING_EVERY_MS, JobsService, jobRoutes } from './modules/jobs/index.js';
import { lgaRoutes } from './modules/lgas/index.js';
import { QuestionnaireService, VersionCache, questionnaireRoutes } from './modules/questionnaires/index.js';
import {
  AttachmentService,
  attachmentRoutes,
  Ingestion,
  ReviewService,
  SubmissionRepository,
  SubmissionService,
  SubmissionStats,
  submissionRoutes,
} from './modules/submissions/index.js';
import { SupervisionRepository, SupervisionService, supervisionRoutes } from './modules/supervision/index.js';
import {
  RegistryService,
  RespondentRepository,
  RespondentService,
  SelfService,
  respondentRoutes,
} from './modules/respondents/index.js';
import { AuditViewer, auditRoutes } from './modules/audit/index.js';
import { FraudService, fraudRoutes } from './modules/fraud/index.js';
import { healthRoutes } from './modules/health/index.js';
import { ReportService, reportRoutes } from './modules/reports/index.js';
import { ExportService, exportRoutes } from './modules/exports/index.js';
import { MarketplaceService, marketplaceRoutes } from './modules/marketplace/index.js';
import { OpsService, instrumentRoutes, metricsRoutes, opsRoutes } from './modules/metrics/index.js';
import { failoverRateLimitStore } from './infra/rate-limit-store.js';
import { RedisStore } from './infra/kv.js';
import { ListCounts } from './infra/list-count.js';
import { createAttachmentStore } from './infra/attachments.js';
import { BroadcastCache } from './infra/broadcast-cache.js';
import { ImportService, importRoutes } from './modules/imports/index.js';
import { PartnerService, partnerKeyRoutes, partnerRoutes, type CachedKey } from './modules/partners/index.js';
import { ChannelService, channelRoutes } from './modules/channels/index.js';
import {
  AggregatorSmsTransport,
  DevSmsTransport,
  OutboxSms,
  SmsRelay,
  eraseExpiredSms,
  purgeOldSms,
} from './infra/sms.js';
import { DocumentService, RegistrationConfirmations, documentRoutes } from './modules/documents/index.js';

export interface Services {
  auth: AuthService;
  staff: StaffService;
  jobs: JobsService;
  questionnaires: QuestionnaireService;
  submissions: SubmissionService;
  attachments: AttachmentService;
  review: ReviewService;
  ingestion: Ingestion;
  respondents: RespondentService;
  registry: RegistryService;
  audit: AuditViewer;
  fraud: FraudService;
  ops: OpsService;
  supervision: SupervisionService;
  reports: ReportService;
  exports: ExportService;
  marketplace: MarketplaceService;
  self: SelfService;
  partners: PartnerService;
  imports: ImportService;
  channels: ChannelService;

  documents: DocumentService;
  confirmations: RegistrationConfirmations;
}

/**
 * The one place services are built and handed their collaborators (constructor injection, no
 * container). Each module registers its own jobs here by name; what a job does lives in its module.
 */
export function createServices(runtime: Runtime): Services {
  const { db } = runtime.database;
  const publicUrl = runtime.config.publicUrl ?? `http://localhost:${runtime.config.port}`;
  const users = new UserRepository();
  const jobs = new JobsService(db, runtime.queue, (err, msg) => runtime.log.error({ err }, msg));
  const listCounts = new ListCounts(runtime.kv, runtime.config.listCounts, (err) =>
    runtime.log.debug({ err }, 'list totals: cache unavailable, counted without it'),
  );
  const auth = new AuthService(
    db,
    runtime.kv,
    {
      sessionTtlMs: runtime.config.sessionTtlMs,
      registrationTtlMs: runtime.config.registrationTtlMs,
      passwordResetTtlMs: runtime.config.passwordResetTtlMs,
      publicUrl,
    },
    runtime.mailer,
    jobs,
    runtime.pii,
    new LocalSessionCache(runtime.broadcast, runtime.config.sessionLocalCacheMs),
    listCounts,
  );
  const respondentRepo = new RespondentRepository();
  const respondents = new RespondentService(
    db,
    respondentRepo,
    users,
    runtime.mailer,
    runtime.kv,
    publicUrl,
    runtime.pii,
  );
  const staff = new StaffService(
    db,
    users,
    respondents,
    auth,
    jobs,
    runtime.mailer,
    publicUrl,
    runtime.config.activationTtlMs,
    runtime.pii,
    listCounts,
    runtime.config.mail.smtpUrl ? 'smtp' : 'none',
  );
  const questionnaires = new QuestionnaireService(db, runtime.kv);
  const versions = new VersionCache();
  const submissionRepo = new SubmissionRepository(runtime.pii, runtime.config.fraudHistoryRows);
  const fraud = new FraudService(db, submissionRepo, (executor, id) => users.lgaOf(executor, id));
  const submissions = new SubmissionService(
    db,
    submissionRepo,
    versions,
    jobs,
    questionnaires,
    runtime.kv,
    (err, msg) => runtime.log.warn({ err }, msg),
    runtime.pii,
    runtime.config.ingestBatch,
    respondents,
  );
  const attachments = new AttachmentService(
    db,
    submissionRepo,
    createAttachmentStore(runtime.config.attachments),
    runtime.config.attachments.dir,
    (ids) => submissions.enqueueIngestion(ids),
  );
  const ingestion = new Ingestion(
    db,
    submissionRepo,
    versions,
    fraud,
    respondents,
    runtime.config.ingestBatch,
    runtime.config.ingestDrains,
    runtime.config.ingestLingerMs,
  );
  const registry = new RegistryService(
    db,
    respondentRepo,
    submissions,
    { verificationSamplePercent: runtime.config.verificationSamplePercent },
    runtime.pii,
  );
  const audit = new AuditViewer(db);
  const review = new ReviewService(db, submissionRepo, users, versions, (ids) => submissions.enqueueIngestion(ids));

  // Each module registers the jobs it runs (and the relay for its own outbox).
  auth.registerJobs(jobs);
  staff.registerJobs(jobs);
  ingestion.registerJobs(jobs);
  submissions.registerRelay(jobs, runtime.config.outboxStaleMs, runtime.config.outboxKeepMs);
  if (runtime.config.mail.smtpUrl) {
    const relay = new SmtpRelay(db, runtime.config.mail.smtpUrl, runtime.config.mail.from);
    jobs.addTicker(runtime.config.mail.intervalMs, () => relay.drain());
  }
  // Links in mail bodies are secrets: once expired, sent or not, the outbox forgets them.
  jobs.addTicker(runtime.config.relayIntervalMs, () => eraseExpiredMail(db));
  // Sent or expired messages, recipients included, are kept MESSAGE_KEEP_DAYS, then deleted.
  jobs.addTicker(HOUSEKEEPING_EVERY_MS, async () => {
    await purgeOldMail(db, runtime.config.messageKeepMs);
    await purgeOldSms(db, runtime.config.messageKeepMs);
  });
  const ops = new OpsService(runtime.metrics, runtime.queue, staff);
  const reports = new ReportService(db);
  const exports = new ExportService(db, respondentRepo, jobs, runtime.pii, runtime.config.exports, (err, msg) =>
    runtime.log.error({ err }, msg),
  );
  exports.registerJobs(jobs, runtime.config.relayIntervalMs);
  const supervision = new SupervisionService(
    db,
    new SupervisionRepository(),
    users,
    new SubmissionStats(),
    jobs,
    ops,
    runtime.config.mapTileUrl ?? null,
  );
  const marketplace = new MarketplaceService(
    db,
    { read: (fn) => runtime.reads.withReader((replicaOrPrimary) => fn(replicaOrPrimary)) },
    runtime.kv,
    runtime.mailer,
    respondents,
    {
      publicUrl,
      trapSecret: runtime.pii.blindIndex('oslrs marketplace trap', 'body'),
      searcherVerifyTtlMs: 48 * 3600_000,
      trapBlockMs: runtime.config.marketplace.trapBlockMs,
    },
    () => runtime.log.warn('marketplace bot trap followed: address blocked'),
  );
  const self = new SelfService(db, respondentRepo, runtime.pii, marketplace, submissions);
  // Partner keys are kept in each process like sessions, and forgotten everywhere at once on revocation.
  const partners = new PartnerService(
    db,
    runtime.pii,
    new BroadcastCache<CachedKey>(runtime.broadcast, 'partner-keys:forget', runtime.config.sessionLocalCacheMs),
    runtime.kv,
    reports,
    (err, msg) => runtime.log.error({ err }, msg),
  );
  const imports = new ImportService(db, respondents, jobs, runtime.pii);
  imports.registerJobs(jobs);
  // SMS: written to the outbox in the transaction that earns it; the relay sends it within the daily ceiling.
  const smsTransport = runtime.config.sms.aggregator
    ? new AggregatorSmsTransport(runtime.config.sms.aggregator)
    : new DevSmsTransport();
  const smsRelay = new SmsRelay(db, runtime.pii, smsTransport, runtime.config.sms.dailyLimit, (sent) =>
    runtime.log.warn({ sent }, 'SMS daily ceiling reached: the rest wait for tomorrow (SMS_DAILY_LIMIT)'),
  );
  jobs.addTicker(runtime.config.sms.intervalMs, () => smsRelay.drain());
  jobs.addTicker(runtime.config.relayIntervalMs, () => eraseExpiredSms(db));
  const channels = new ChannelService(
    db,
    runtime.kv,
    runtime.pii,
    submissions,
    questionnaires,
    new OutboxSms(runtime.pii),
    smsTransport,
    {
      secret: runtime.config.ussd.secret,
      allowedIps: runtime.config.ussd.allowedIps,
      phonePerMinute: runtime.config.ussd.phonePerMinute,
      publicUrl,
    },
  );
  ingestion.onSettled('ussd', (tx, event) => channels.settled(tx, event));
  const documents = new DocumentService(db, respondentRepo, users, publicUrl, submissions);
  // A web registration's confirmation email (its reference): written by the worker's own tick, apart
  // from ingestion, exactly once per record.
  const confirmations = new RegistrationConfirmations(db, respondentRepo, users, runtime.mailer, publicUrl);
  jobs.addTicker(runtime.config.mail.intervalMs, () => confirmations.drain());
  return {
    channels,
    documents,
    confirmations,
    partners,
    imports,
    marketplace,
    self,
    auth,
    staff,
    jobs,
    questionnaires,
    submissions,
    attachments,
    review,
    ingestion,
    respondents,
    registry,
    audit,
    fraud,
    ops,
    supervision,
    reports,
    exports,
  };
}

/**
 * The headers helmet sets for these options, read once: its middleware run against a response that
 * only records them (none of our directives depend on the request: no nonces).
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(options)({} as never, res as never, (err?: unknown) => {
    if (err) throw err;
  });
  return headers;
}

const REQUEST_ID = /^[\w-]{8,64}$/;
const REQUEST_ID_PREFIX = randomBytes(6).toString('base64url');
let requestCounter = 0;
/** A request id unique across processes (a random prefix per process) that costs a counter step. */
function nextRequestId(): string {
  return `${REQUEST_ID_PREFIX}-${(++requestCounter).toString(36)}`;
}

/** The origin of a tile URL template (`https://tile.example.org/{z}/{x}/{y}.png` → `https://tile.example.org`). */
function tileOrigin(template: string): string {
  return new URL(template.replace(/\{[a-z]\}/g, '0')).origin;
}

/** Where the built web app lives: WEB_DIST, or apps/web/dist beside this package. */
function webDist(runtime: Runtime): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = runtime.config.webDist
    ? [resolve(runtime.config.webDist)]
    : [join(here, '../../web/dist'), join(here, '../web/dist')];
  return candidates.find((p) => existsSync(join(p, 'index.html')));
}

export async function buildApp(runtime: Runtime, services = createServices(runtime)): Promise<FastifyInstance> {
  // Security headers, computed once at start-up by helmet itself (@fastify/helmet rebuilt its
  // middleware, re-serialising the CSP, on every request) and written by the server's responses as
  // one block checked once (plugins/security-headers.ts). Routes that need another CSP (the API docs,
  // attachments) set theirs in the request, which wins as before.
  const securityHeaders = helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // Map tiles (the supervisor's map) come from their configured origin, when one is set; blob: for
        // the preview of a photo just taken (kept on the device).
        imgSrc: [
          "'self'",
          'data:',
          'blob:',
          ...(runtime.config.mapTileUrl ? [tileOrigin(runtime.config.mapTileUrl)] : []),
        ],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        manifestSrc: ["'self'"],
        workerSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
  });
  const SecureResponse = securityHeaderResponse(securityHeaders);
  const app = Fastify({
    // request.log becomes pino's child (the request id bound) only when something is logged.
    loggerInstance: withLazyChildren(runtime.log),
    bodyLimit: runtime.config.limits.bodyBytes,
    trustProxy: runtime.config.trustProxy,
    // Reuse a well-formed id from the proxy (NGINX $request_id), else this process's next one.
    // Left on Node's request too, where the server's responses write it as x-request-id (SecureResponse).
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : nextRequestId();
      (req as typeof req & { [REQUEST_ID_KEY]?: string })[REQUEST_ID_KEY] = id;
      return id;
    },
    // One access line per request, written when it is answered (onResponse below), not two.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors,
    // During `pm2 reload` the old worker finishes requests already on its keep-alive connections
    // (answering with Connection: close) instead of refusing them with 503s.
    return503OnClosing: false,
    // Slow senders (slowloris, a stalled upload) are cut off by the app itself, not only by NGINX.
    requestTimeout: runtime.config.timeouts.requestMs,
    keepAliveTimeout: runtime.config.timeouts.keepAliveMs,
    http: {
      // Node checks the timeouts on this interval (30 s by default): a quarter of the limit keeps them tight.
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(runtime.config.timeouts.requestMs / 4))),
      headersTimeout: Math.min(runtime.config.timeouts.requestMs, 20_000),
      ...(SecureResponse ? { ServerResponse: SecureResponse } : {}),
    },
  });
  // JSON only (plus the routes that register their own parsers): anything else is a 415.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  instrumentRoutes(app, runtime.metrics.http);
  // The access line, written straight to the log's destination (see accessLine), when info is on.
  const logAccess = ['trace', 'debug', 'info'].includes(runtime.log.level);
  app.addHook('onResponse', (request, reply, done) => {
    if (logAccess) runtime.logSink.write(accessLine(request, reply.statusCode, reply.elapsedTime));
    done();
  });

  registerErrorHandling(app);
  // request.cookies and reply.setCookie without a hook of their own (plugins/cookies.ts).
  registerCookies(app);
  // The one global onRequest hook: the request's cookies, and the security headers and request id
  // where the response does not write them itself (app.inject's, or a Node without _storeHeader).
  app.addHook('onRequest', (request, reply, done) => {
    if (SecureResponse === undefined || !(reply.raw instanceof SecureResponse)) {
      void reply.headers(securityHeaders);
      void reply.header('x-request-id', request.id);
    }
    readCookies(request);
    done();
  });
  // Multipart uploads are read only by the routes that take files (plugins/uploads.ts: withUploads).
  registerAccessControl(app, services.auth, services.partners);
  // Counted in Redis, shared by every process; while Redis is away or hung, in this process instead
  // (limits stay on, per process, rather than switching off). Without Redis: in this process.
  const sharedLimits = runtime.redis
    ? failoverRateLimitStore(new RedisStore(runtime.redis, `${runtime.config.redisPrefix}rl:`, runtime.redisCircuit))
    : undefined;
  await app.register(rateLimit, {
    global: true,
    ...(sharedLimits ? { store: sharedLimits } : {}),
    // Staff and signed-in users get a generous allowance keyed on their account; a partner key its own
    // limit; anonymous callers 100/min per IP.
    keyGenerator: (request) =>
      request.partner ? `pk:${request.partner.keyId}` : request.user ? `u:${request.user.id}` : `ip:${request.ip}`,
    max: (request) =>
      request.partner
        ? request.partner.rateLimitPerMinute
        : request.user
          ? runtime.config.rateLimit.userPerMinute
          : runtime.config.rateLimit.anonPerMinute,
    timeWindow: '1 minute',
    skipOnError: false,
    // The limits guard the API; the web app's own files (served by NGINX in production) are not counted.
    allowList: (request) => !request.url.startsWith('/api/'),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: { code: 'RATE_LIMITED', message: `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s` },
    }),
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'OSLRS API', version: '1.0.0', description: 'Oyo State Labour & Skills Registry' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'oslrs_session' },
          partnerKey: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'oslrs_pk_…',
            description: 'A partner key issued by the registry (Authorization: Bearer oslrs_pk_…); never in the URL',
          },
        },
      },
      tags: [
        {
          name: 'partner',
          description:
            'For partner agencies: read with a scoped API key. Every call is audited. Over the key’s limit: 429 with Retry-After. A rotated key answers with Deprecation and Sunset headers until it stops working.',
        },
      ],
    },
    transform: jsonSchemaTransform,
  });
  // The document is built either way (the RBAC test and the fuzz suite read it); served only when enabled.
  if (runtime.config.apiDocs) await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  await app.register(
    async (api) => {
      await api.register(healthRoutes, { runtime });
      await api.register(lgaRoutes);
      await api.register(authRoutes, { auth: services.auth, cookieSecure: runtime.config.cookieSecure });
      await api.register(staffRoutes, { staff: services.staff, uploadLimit: runtime.config.limits.uploadBytes });
      await api.register(jobRoutes, { jobs: services.jobs });
      await api.register(questionnaireRoutes, {
        questionnaires: services.questionnaires,
        uploadLimit: runtime.config.limits.uploadBytes,
      });
      await api.register(submissionRoutes, {
        submissions: services.submissions,
        review: services.review,
        batchLimit: runtime.config.limits.batchBodyBytes,
      });
      await api.register(attachmentRoutes, { attachments: services.attachments });
      await api.register(respondentRoutes, {
        respondents: services.respondents,
        registry: services.registry,
        self: services.self,
      });
      await api.register(marketplaceRoutes, {
        marketplace: services.marketplace,
        searchesPerMinute: runtime.config.marketplace.searchesPerMinute,
      });
      await api.register(auditRoutes, { audit: services.audit });
      await api.register(fraudRoutes, { fraud: services.fraud });
      await api.register(reportRoutes, { reports: services.reports });
      await api.register(exportRoutes, { exports: services.exports });
      await api.register(opsRoutes, { ops: services.ops });
      await api.register(supervisionRoutes, { supervision: services.supervision });
      await api.register(partnerKeyRoutes, { partners: services.partners });
      await api.register(importRoutes, { imports: services.imports, uploadLimit: runtime.config.limits.uploadBytes });
      await api.register(partnerRoutes, { partners: services.partners, respondents: services.respondents });
      await api.register(channelRoutes, {
        channels: services.channels,
        gatewayPerMinute: runtime.config.ussd.gatewayPerMinute,
        secret: runtime.config.ussd.secret,
      });

      // Slips, ID cards and their public checks (30 checks a minute per address).
      await api.register(documentRoutes, { documents: services.documents, verifyPerMinute: 30 });
    },
    { prefix: '/api/v1' },
  );
  await app.register(metricsRoutes, { registry: runtime.metrics.registry, token: runtime.config.metrics.token });

  const dist = webDist(runtime);
  let spaIndex: Buffer | undefined;
  if (dist) {
    const indexHtml = readFileSync(join(dist, 'index.html'));
    await app.register(fastifyStatic, {
      root: dist,
      wildcard: false,
      index: false,
      cacheControl: false,
      // Brotli or gzip copies written at build time (apps/web/scripts/prerender.mjs), chosen by
      // Accept-Encoding, with Vary: Accept-Encoding; no route of their own.
      preCompressed: true,
      globIgnore: ['**/*.br', '**/*.gz', 'site/**', 'prerendered/**'],
      setHeaders(res, path) {
        // Hashed bundles never change; everything else (index.html, service worker) must revalidate.
        res.setHeader(
          'cache-control',
          path.includes(`${join(dist, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
        // The body depends on Accept-Encoding (preCompressed), for every file alike.
        res.setHeader('vary', 'Accept-Encoding');
      },
    });
    spaIndex = indexHtml;
    await app.register(siteRoutes, { dist, publicUrl: runtime.config.publicUrl });
  }
  registerNotFound(app, spaIndex);
  return app;
}
