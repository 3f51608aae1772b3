import type { QuotaRuleName } from './errors.js';
import type {
  Account,
  AuditEvent,
  DeliveryAttempt,
  Message,
  MessageStatus,
  Purpose,
  TokenRecord,
  Verification,
  VerificationState,
} from './model.js';
import type { Subject, SubjectKind } from './subjects/model.js';

export interface Clock {
  now(): number;
}

/** One sliding-window limit: at most `limit` charges of `key` within `windowMs`. */
export interface QuotaRule {
  name: QuotaRuleName;
  key: string;
  windowMs: number;
  limit: number;
}

/** Everything one command changes, applied by the store in one transaction or not at all. */
export interface WriteBatch {
  /** Optimistic guards: the stored version must still be this one. */
  expect?: { verifications?: Record<string, number>; subjects?: Record<string, number> };
  /**
   * Checked and charged inside the transaction, so concurrent sends cannot both pass. Each entry of
   * `sends` is the rule set of one send; `enforce: false` charges without refusing (seeding), and
   * `charge: false` only checks (a lockout test).
   */
  quota?: { sends: QuotaRule[][]; at: number; enforce: boolean; charge?: boolean };
  /** Quota keys whose charges are dropped (a successful login clears its failures). */
  clearQuotaKeys?: string[];
  subjects?: { insert?: Subject[]; update?: Subject[] };
  verifications?: { insert?: Verification[]; update?: Verification[] };
  tokens?: { insert?: TokenRecord[]; update?: TokenRecord[] };
  messages?: Message[];
  events?: AuditEvent[];
}

export type CommitResult =
  | { ok: true }
  | { ok: false; reason: 'conflict' }
  | { ok: false; reason: 'quota'; rule: QuotaRuleName; retryAfterMs: number };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface VerificationFilter {
  accountId?: string;
  state?: VerificationState;
  recipient?: string;
  purpose?: Purpose;
  subjectId?: string;
  cursor?: string;
  limit: number;
  /** The time that decides which pending verifications count as expired. */
  now: number;
}

export interface SubjectFilter {
  accountId?: string;
  kinds: SubjectKind[];
  state?: string;
  cursor?: string;
  limit: number;
}

export interface MessageFilter {
  accountId?: string;
  verificationId?: string;
  status?: MessageStatus;
  cursor?: string;
  limit: number;
}

/** The persistence port of the verification lifecycle. Every method is asynchronous. */
export interface VerificationStore {
  commit(batch: WriteBatch): Promise<CommitResult>;
  getVerification(id: string): Promise<Verification | null>;
  /** A verification with the token its next send carries, in one read (the resend path). */
  getVerificationWithToken(id: string): Promise<{ verification: Verification; token: TokenRecord | null } | null>;
  listVerifications(filter: VerificationFilter): Promise<Page<Verification>>;
  verificationsOfSubject(subjectId: string): Promise<Verification[]>;
  findTokenByHash(hash: string): Promise<TokenRecord | null>;
  tokensOf(verificationId: string): Promise<TokenRecord[]>;
  /** Pending verifications whose expiry has passed, oldest first. */
  listExpiring(now: number, limit: number): Promise<Verification[]>;
  getToken(id: string): Promise<TokenRecord | null>;
  getSubject(id: string): Promise<Subject | null>;
  findSubjectByNumber(accountId: string | null, kinds: SubjectKind[], number: string): Promise<Subject | null>;
  listSubjects(filter: SubjectFilter): Promise<Page<Subject>>;
  /** Offset pages, oldest first, with the total (for APIs that number their pages). */
  pageSubjects(
    filter: { accountId: string; kinds: SubjectKind[]; states?: string[]; number?: string; createdFrom?: number; createdTo?: number },
    offset: number,
    limit: number,
  ): Promise<{ items: Subject[]; total: number }>;
  getMessage(id: string): Promise<Message | null>;
  listMessages(filter: MessageFilter): Promise<Page<Message>>;
  attemptsOf(messageId: string): Promise<DeliveryAttempt[]>;
  listEvents(filter: { verificationId?: string; limit: number }): Promise<AuditEvent[]>;
  /** Drops quota charges older than the longest window. */
  pruneQuota(before: number): Promise<number>;
}

export type DeliveryOutcome =
  | { result: 'sent'; response: string }
  | { result: 'deferred'; error: string; nextAttemptAt: number }
  | { result: 'failed'; error: string; abandoned: boolean };

/** A claimed message with what the courier needs to decide and render it, read in the claim itself. */
export type ClaimedMessage = Message & {
  verificationState: VerificationState | null;
  token: Pick<TokenRecord, 'sealed' | 'usedAt' | 'expiresAt'> | null;
};

/** The courier's view of the outbox: leases that any node may take over once they expire. */
export interface Outbox {
  claim(owner: string, limit: number, leaseMs: number, now: number): Promise<ClaimedMessage[]>;
  /** Records the attempt's end; ignored (false) if the lease was lost to another node. */
  complete(messageId: string, owner: string, outcome: DeliveryOutcome, now: number): Promise<boolean>;
  /** Ends a claimed message without sending it: its verification no longer needs it. */
  suppress(messageId: string, owner: string, reason: string, now: number): Promise<boolean>;
  queueDepth(): Promise<Record<MessageStatus, number>>;
  /** Earliest time a queued or deferred message becomes due, for the worker's sleep. */
  nextDueAt(): Promise<number | null>;
}

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  hash: string;
  role: number;
  label: string | null;
  /** The last characters, to let people tell keys apart. */
  hint: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface AccessKeyRecord {
  id: string;
  accountId: string;
  sealedSecret: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface AccountStore {
  createAccount(
    account: Account,
    credentials: { passwordHash: string | null; apiKeys: ApiKeyRecord[]; accessKeys: AccessKeyRecord[] },
  ): Promise<'created' | 'exists'>;
  getAccount(id: string): Promise<Account | null>;
  findAccountByName(name: string): Promise<Account | null>;
  findAccountByLogin(loginName: string): Promise<{ account: Account; passwordHash: string | null } | null>;
  listAccounts(cursor: string | undefined, limit: number): Promise<Page<Account>>;
  addApiKey(key: ApiKeyRecord): Promise<void>;
  listApiKeys(accountId: string): Promise<ApiKeyRecord[]>;
  getApiKey(accountId: string, id: string): Promise<ApiKeyRecord | null>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  revokeApiKey(accountId: string, id: string, at: number): Promise<boolean>;
  addAccessKey(key: AccessKeyRecord): Promise<void>;
  getAccessKey(id: string): Promise<AccessKeyRecord | null>;
  getSetting(name: string): Promise<string | null>;
  /** Sets the value only when none is stored; returns the stored value. */
  initSetting(name: string, value: string): Promise<string>;
}

export interface CapturedMail {
  id: string;
  accountId: string | null;
  messageId: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  capturedAt: number;
}

export interface InboxStore {
  capture(mail: CapturedMail): Promise<void>;
  listInbox(filter: { to?: string; cursor?: string; limit: number; accountId?: string }): Promise<Page<CapturedMail>>;
}

/** Contact addresses published in DNS for DCV at one name (TXT `_validation-contactemail`, CAA `contactemail`). */
export interface DcvContacts {
  txt: string[];
  caa: string[];
}

/** Looks up DCV contacts; answers empty lists when the name publishes none or DNS fails. */
export interface DcvResolver {
  contacts(adn: string): Promise<DcvContacts>;
}

/** What DCV remembers: addresses offered to an account, and sandbox DNS answers from fixtures. */
export interface DcvStore {
  recordDcvOffers(accountId: string, domain: string, emails: string[], at: number): Promise<void>;
  /** The domains among `domains` for which `email` was offered to the account since `since`. */
  dcvOfferedDomains(accountId: string, email: string, domains: string[], since: number): Promise<string[]>;
  putDnsFixtures(entries: Record<string, DcvContacts>): Promise<void>;
  getDnsFixture(name: string): Promise<DcvContacts | null>;
  findSubjectByBaseNumber(accountId: string, kinds: SubjectKind[], baseNumber: string): Promise<Subject | null>;
}

/** Readiness: the store is reachable and its schema is current. */
export interface StoreHealth {
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export type Store = VerificationStore & Outbox & AccountStore & InboxStore & DcvStore & StoreHealth;
