import type { Logger } from 'pino';
import type { Settings } from '../config/settings.js';
import { Authenticator } from '../core/access/authenticator.js';
import { ConsoleSessions } from '../core/access/console-sessions.js';
import { OPERATOR } from '../core/access/permissions.js';
import { HashGate } from '../core/accounts/hash-gate.js';
import { LoginService } from '../core/accounts/login.js';
import { AccountService } from '../core/accounts/service.js';
import { VerifiedCredentials } from '../core/accounts/verified-credentials.js';
import { ActivityStats } from '../core/activity/service.js';
import type { Clock } from '../core/clock.js';
import { DcvService } from '../core/dcv/service.js';
import { FaultRegistry, faultTargets } from '../core/faults/registry.js';
import { IdentityService } from '../core/identities/service.js';
import { newId } from '../core/ids.js';
import { CapturedInbox } from '../core/inbox/service.js';
import { MessageRetries } from '../core/messages/retry.js';
import { MessageQueries } from '../core/messages/service.js';
import { ReplayGuard } from '../core/requests/replay-guard.js';
import { deriveServerKeys, keyedHash, type ServerKeys } from '../core/secrets.js';
import { AnonymousRequests } from '../core/signups/anonymous-requests.js';
import { SignupService } from '../core/signups/service.js';
import { MailboxResendService } from '../core/subjects/mailbox-resend.js';
import { SubjectService } from '../core/subjects/service.js';
import type { BounceService } from '../core/suppressions/bounces.js';
import { SuppressionService } from '../core/suppressions/service.js';
import { TemplateService } from '../core/templates/service.js';
import { BulkResend } from '../core/verification/bulk-resend.js';
import { ConfirmationPreviews } from '../core/verification/confirmation-preview.js';
import { longestQuotaWindowMs, type Policies } from '../core/verification/policies.js';
import { type ServiceDeps, VerificationService } from '../core/verification/service.js';
import { VerificationTimelines } from '../core/verification/timeline.js';
import type { AddressPolicy } from '../core/webhooks/address-policy.js';
import { WebhookService } from '../core/webhooks/service.js';
import type { Courier } from '../courier/dispatcher.js';
import { loadDkimKey } from '../courier/email/dkim.js';
import { TemplateRegistry } from '../courier/templates/registry.js';
import { SandboxMailFaults } from '../courier/transports/sandbox-faults.js';
import { internalErrorCode, isFaultCode } from '../dialects/fault-answers.js';
import { DnsDcvResolver } from '../dns/dcv-resolver.js';
import type { Store } from '../store/store.js';
import { ensureAdminToken } from './admin-token.js';
import { createBounces } from './bounce-setup.js';
import { createCourier } from './courier-setup.js';
import { checkKeyFingerprint, hasKeyFingerprint } from './key-fingerprint.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { RequestWorker } from './request-worker.js';
import { loadOrCreateSecretKey } from './secret-key.js';
import { type OpenedStore, openStore } from './store-factory.js';
import { loadTemplates } from './templates.js';

export interface Runtime {
  settings: Settings;
  logger: Logger;
  clock: Clock;
  store: Store;
  keys: ServerKeys;
  authenticator: Authenticator;
  verifications: VerificationService;
  subjects: SubjectService;
  accounts: AccountService;
  logins: LoginService;
  dcv: DcvService;
  mailboxes: MailboxResendService;
  identities: IdentityService;
  signups: SignupService;
  anonymous: AnonymousRequests;
  requestWorker: RequestWorker;
  messages: MessageQueries;
  inbox: CapturedInbox;
  replayGuard: ReplayGuard;
  /** The console's services: sign-in, timelines, charts, Retry, confirm pages, the bulk resend. */
  consoleSessions: ConsoleSessions;
  timelines: VerificationTimelines;
  activity: ActivityStats;
  retries: MessageRetries;
  confirmations: ConfirmationPreviews;
  bulkResend: BulkResend;
  courier: Courier;
  webhooks: WebhookService;
  templates: TemplateService;
  suppressions: SuppressionService;
  bounces: BounceService;
  metrics: Metrics;
  /** Fault injection: only in sandbox mode (null otherwise, and its routes do not exist). */
  faults: FaultRegistry | null;
  /** Expires overdue verifications and prunes quota charges, nonces and audit events past retention. */
  upkeep(): Promise<void>;
  /** Starts the courier, the anonymous-request worker and the periodic upkeep (expiry, pruning). */
  startBackground(): void;
  /** Starts the inbound SMTP listener for bounces, when a port is configured; resolves with its port. */
  startBounceIntake(): Promise<number | null>;
  close(): Promise<void>;
}

export const policiesFrom = (s: Settings): Policies => ({
  tokenTtlMs: s.tokenTtl * 1000,
  graceMs: s.tokenGrace * 1000,
  resendPolicy: s.resendPolicy,
  cooldownMs: s.resendCooldown * 1000,
  recipientPerDay: s.resendMaxPerDay,
  accountPerHour: s.accountMaxPerHour,
  ipPerHour: s.ipMaxPerHour,
});

const mailDomain = (from: string): string => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';

const DAY_MS = 86_400_000;
const CONSOLE_SESSION_MS = 8 * 3_600_000;

/** The sandbox's fault registry, with the global switches (a share of failures, added latency) as standing faults. */
const sandboxFaults = (settings: Settings, clock: Clock): FaultRegistry => {
  const faults = new FaultRegistry({ newId, now: () => clock.now(), checkCode: isFaultCode });
  for (const target of faultTargets) {
    if (target === 'mail') continue;
    if (settings.sandboxLatencyMs > 0)
      faults.add({ kind: 'admin' }, { target, effect: { kind: 'latency', ms: settings.sandboxLatencyMs } });
    if (settings.sandboxFailureShare > 0)
      faults.add(
        { kind: 'admin' },
        { target, share: settings.sandboxFailureShare, effect: { kind: 'error', code: internalErrorCode[target] } },
      );
  }
  return faults;
};

export interface RuntimeOptions {
  logger?: Logger;
  clock?: Clock;
  /** Called with a newly generated admin token, which is shown this once. */
  onAdminTokenGenerated?: (token: string) => void;
}

/** Migrates the store, then checks the server key against it (every node must use the first key) and the admin token. */
const prepareStore = async (opened: OpenedStore, settings: Settings) => {
  const { store } = opened;
  await opened.migrate();
  const secret = loadOrCreateSecretKey(settings.secretKey, opened.dataDir, await hasKeyFingerprint(store.settings));
  const keys = deriveServerKeys(secret.key);
  await checkKeyFingerprint(store.settings, keys);
  const admin = await ensureAdminToken(store.settings, keys, settings.adminToken);
  return { keys, admin };
};

/** Wires the store, core services and courier from settings; migrates the store first. */
export const createRuntime = async (settings: Settings, options: RuntimeOptions = {}): Promise<Runtime> => {
  const logger = options.logger ?? createLogger(settings.logLevel);
  const clock = options.clock ?? { now: Date.now };
  // Settings that refuse to start are read before anything is opened.
  const dkim = loadDkimKey(settings);
  const overrides = loadTemplates(settings.templatesDir);
  const opened = await openStore(settings);
  const { store } = opened;
  const { keys, admin } = await prepareStore(opened, settings).catch(async (e: unknown) => {
    await store.health.close().catch(() => undefined);
    throw e;
  });
  if (admin.generated) options.onAdminTokenGenerated?.(admin.generated);
  const metrics = createMetrics(store.messages, () => clock.now(), store.health);
  const inbox = new CapturedInbox(store.inbox, keys);
  const templates = new TemplateRegistry(overrides, async (id) => (await store.accounts.getAccount(id))?.name ?? null);
  const webhookPolicy: AddressPolicy = { sandbox: settings.sandbox, allowedNetworks: settings.webhookAllowedNetworks };
  const faults = settings.sandbox ? sandboxFaults(settings, clock) : null;
  const mailFaults = faults ? new SandboxMailFaults(faults) : null;
  const courier = createCourier(settings, {
    mailFaults,
    outbox: store.outbox,
    inbox,
    keys,
    clock,
    logger,
    metrics,
    newId,
    render: templates.render,
    dkim,
    endpoints: store.webhooks,
    webhookPolicy,
  });
  const webhooks = new WebhookService({
    webhooks: store.webhooks,
    messages: store.messages,
    accounts: store.accounts,
    clock,
    keys,
    newId,
    policy: webhookPolicy,
  });
  const policies = policiesFrom(settings);
  const deps: ServiceDeps = {
    transactor: store.transactor,
    verifications: store.verifications,
    subjects: store.subjects,
    audit: store.audit,
    accounts: store.accounts,
    clock,
    keys,
    policies,
    newId,
    messageIdDomain: mailDomain(settings.mailFrom),
    onQueued: () => {
      metrics.messages.inc({ result: 'queued' });
      courier.wake();
    },
    onRefused: (rule: string) => metrics.quotaRefusals.inc({ rule }),
    onAnnounced: () => courier.wake(),
  };
  const verifications = new VerificationService(deps);
  const subjects = new SubjectService(deps, verifications);
  const accounts = new AccountService(store.accounts, keys, clock, newId);
  const authenticator = new Authenticator({
    accounts,
    quotas: store.quotas,
    clock,
    keys,
    adminTokenHash: admin.hash,
    metricsTokenHash: settings.metricsToken ? keyedHash(keys.credentialHash, settings.metricsToken) : null,
    bounceTokenHash: settings.bounceToken ? keyedHash(keys.credentialHash, settings.bounceToken) : null,
    failuresPerMinute: settings.authFailuresPerMinute,
  });
  const logins = new LoginService({
    accounts: store.accounts,
    quotas: store.quotas,
    audit: store.audit,
    clock,
    gate: new HashGate({ total: settings.passwordHashConcurrency, perClient: settings.passwordHashPerClient }),
    verified: new VerifiedCredentials(keys.credentialHash, settings.loginCacheTtl * 1000),
    newId,
    onBusy: (bound) => metrics.hashGateRefusals.inc({ bound }),
    policy: {
      maxFailures: settings.loginMaxFailures,
      maxFailuresGlobal: settings.loginMaxFailuresGlobal,
      windowMs: settings.loginWindow * 1000,
    },
  });
  const dcv = new DcvService(
    { ...deps, dcv: store.dcv, resolver: new DnsDcvResolver(store.dcv, settings.dnsServers), templates },
    verifications,
  );
  const mailboxes = new MailboxResendService(deps, verifications);
  const identities = new IdentityService(deps, verifications, subjects);
  const signups = new SignupService(deps, verifications, subjects);
  const anonymous = new AnonymousRequests({
    queue: store.requests,
    quotas: store.quotas,
    audit: store.audit,
    clock,
    keys,
    newId,
    signups,
    perIpPerMinute: settings.anonymousPerMinute,
  });
  const requestWorker = new RequestWorker(
    anonymous,
    settings.requestWorkerTickMs,
    settings.courierLease * 1000,
    logger.child({ component: 'requests' }),
  );
  const messages = new MessageQueries(store.messages, inbox, store.suppressions);
  const suppressions = new SuppressionService(store.suppressions, store.accounts);
  const { bounces, intake: bounceIntake } = createBounces(settings, { store, clock, logger, metrics, newId, wake: () => courier.wake() });
  mailFaults?.bounceThrough((m) =>
    bounces
      .report(OPERATOR, {
        messageId: m.id,
        recipient: m.recipient,
        kind: 'hard',
        status: '5.1.1',
        diagnostic: 'Sandbox fault: the mailbox does not exist',
      })
      .catch((err: unknown) => logger.error({ err }, 'sandbox bounce failed')),
  );
  const replayGuard = new ReplayGuard(store.nonces, store.quotas, clock);
  const consoleSessions = new ConsoleSessions({
    authenticator,
    accounts,
    keyRecords: store.accounts,
    signedOut: store.nonces,
    clock,
    keys,
    adminTokenHash: admin.hash,
    ttlMs: CONSOLE_SESSION_MS,
  });
  const timelines = new VerificationTimelines({ verifications, messages: store.messages, audit: store.audit, subjects: store.subjects });
  const activity = new ActivityStats({ audit: store.audit, messages: store.messages, clock });
  const retries = new MessageRetries({ messages: store.messages, verifications: store.verifications, clock, newId });
  const confirmations = new ConfirmationPreviews(verifications, store.subjects);
  const bulkResend = new BulkResend({ verifications, accounts: store.accounts, audit: store.audit, clock, newId });
  let upkeep: NodeJS.Timeout | null = null;
  let toldCheckpointerDied = false;

  const runUpkeep = async () => {
    if (!toldCheckpointerDied && store.health.walCheckpointer?.() === 'died') {
      toldCheckpointerDied = true;
      logger.error('the SQLite WAL checkpointer thread ended: commits copy the WAL back themselves until a restart, and p99 rises');
    }
    try {
      const now = clock.now();
      await verifications.expireDue();
      await store.quotas.prune(now - longestQuotaWindowMs(policies), now);
      await store.nonces.prune(now);
      await store.audit.prune(now - settings.auditRetention * DAY_MS);
    } catch (e) {
      logger.error({ err: e }, 'upkeep failed');
    }
  };

  return {
    settings,
    logger,
    clock,
    store,
    keys,
    authenticator,
    verifications,
    subjects,
    accounts,
    logins,
    dcv,
    mailboxes,
    identities,
    signups,
    anonymous,
    requestWorker,
    messages,
    inbox,
    replayGuard,
    consoleSessions,
    timelines,
    activity,
    retries,
    confirmations,
    bulkResend,
    courier,
    webhooks,
    templates: new TemplateService(templates, templates, store.accounts),
    suppressions,
    bounces,
    metrics,
    faults,
    upkeep: runUpkeep,
    startBackground() {
      courier.start();
      requestWorker.start();
      void runUpkeep();
      upkeep = setInterval(runUpkeep, 60_000);
      upkeep.unref();
    },
    async startBounceIntake() {
      return bounceIntake ? bounceIntake.start() : null;
    },
    async close() {
      if (upkeep) clearInterval(upkeep);
      await bounceIntake?.stop();
      await requestWorker.stop();
      await courier.stop();
      await store.health.close();
    },
  };
};
