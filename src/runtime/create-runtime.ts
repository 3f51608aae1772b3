import type { Logger } from 'pino';
import type { Settings } from '../config/settings.js';
import { LoginService } from '../core/accounts/login.js';
import { AccountService } from '../core/accounts/service.js';
import { DcvService } from '../core/dcv/service.js';
import { IdentityService } from '../core/identities/service.js';
import { newId } from '../core/ids.js';
import { MessageQueries } from '../core/messages/service.js';
import type { Clock, Store } from '../core/ports.js';
import { ReplayGuard } from '../core/requests/replay-guard.js';
import { deriveServerKeys, type ServerKeys } from '../core/secrets.js';
import { SignupService } from '../core/signups/service.js';
import { MailboxResendService } from '../core/subjects/mailbox-resend.js';
import { SubjectService } from '../core/subjects/service.js';
import { longestQuotaWindowMs, type Policies } from '../core/verification/policies.js';
import { VerificationService } from '../core/verification/service.js';
import { Courier } from '../courier/dispatcher.js';
import { CaptureTransport } from '../courier/transports/capture.js';
import { SmtpTransport } from '../courier/transports/smtp.js';
import type { MailTransport } from '../courier/transports/transport.js';
import { DnsDcvResolver } from '../dns/dcv-resolver.js';
import { ensureAdminToken } from './admin-token.js';
import { BackgroundWork } from './background.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { loadOrCreateSecretKey } from './secret-key.js';
import { openStore } from './store-factory.js';

export interface Runtime {
  settings: Settings;
  logger: Logger;
  clock: Clock;
  store: Store;
  keys: ServerKeys;
  adminTokenHash: string;
  verifications: VerificationService;
  subjects: SubjectService;
  accounts: AccountService;
  logins: LoginService;
  dcv: DcvService;
  mailboxes: MailboxResendService;
  identities: IdentityService;
  signups: SignupService;
  background: BackgroundWork;
  messages: MessageQueries;
  replayGuard: ReplayGuard;
  courier: Courier;
  metrics: Metrics;
  /** Starts the courier and the periodic upkeep (expiry, quota pruning). */
  startBackground(): void;
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

export interface RuntimeOptions {
  logger?: Logger;
  clock?: Clock;
  /** Called with a newly generated admin token, which is shown this once. */
  onAdminTokenGenerated?: (token: string) => void;
}

/** Wires the store, core services and courier from settings; migrates the store first. */
export const createRuntime = async (settings: Settings, options: RuntimeOptions = {}): Promise<Runtime> => {
  const logger = options.logger ?? createLogger(settings.logLevel);
  const clock = options.clock ?? { now: Date.now };
  const opened = openStore(settings.databaseUrl);
  await opened.migrate();
  const { store } = opened;
  const keys = deriveServerKeys(loadOrCreateSecretKey(settings.secretKey, opened.dataDir).key);
  const admin = await ensureAdminToken(store, keys, settings.adminToken);
  if (admin.generated) options.onAdminTokenGenerated?.(admin.generated);
  const metrics = createMetrics(store);
  const transport: MailTransport =
    settings.smtpUrl === 'capture:' ? new CaptureTransport(store, () => clock.now()) : new SmtpTransport(settings.smtpUrl);
  const courier = new Courier({
    outbox: store,
    transport,
    clock,
    keys,
    logger: logger.child({ component: 'courier' }),
    options: {
      concurrency: settings.courierConcurrency,
      leaseMs: settings.courierLease * 1000,
      maxAttempts: settings.courierMaxAttempts,
      retryBaseMs: settings.courierRetryBaseMs,
      retryMaxMs: settings.courierRetryMaxMs,
      pollMs: settings.courierPollMs,
      from: settings.mailFrom,
      publicUrl: settings.publicUrl,
    },
    onResult: (result) => metrics.messages.inc({ result }),
  });
  const policies = policiesFrom(settings);
  const deps = {
    store,
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
  };
  const verifications = new VerificationService(deps);
  const subjects = new SubjectService(deps, verifications);
  const accounts = new AccountService(store, keys, clock, newId);
  const logins = new LoginService(store, clock);
  const dcv = new DcvService({ ...deps, resolver: new DnsDcvResolver(store, settings.dnsServers) }, verifications);
  const mailboxes = new MailboxResendService(deps, verifications);
  const identities = new IdentityService(deps, verifications, subjects);
  const signups = new SignupService(deps, verifications, subjects);
  const background = new BackgroundWork(logger);
  const messages = new MessageQueries(store);
  const replayGuard = new ReplayGuard(store, clock);
  let upkeep: NodeJS.Timeout | null = null;

  const runUpkeep = async () => {
    try {
      await verifications.expireDue();
      await store.pruneQuota(clock.now() - longestQuotaWindowMs(policies));
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
    adminTokenHash: admin.hash,
    verifications,
    subjects,
    accounts,
    logins,
    dcv,
    mailboxes,
    identities,
    signups,
    background,
    messages,
    replayGuard,
    courier,
    metrics,
    startBackground() {
      courier.start();
      void runUpkeep();
      upkeep = setInterval(runUpkeep, 60_000);
      upkeep.unref();
    },
    async close() {
      if (upkeep) clearInterval(upkeep);
      await background.settled();
      await courier.stop();
      await store.close();
    },
  };
};
