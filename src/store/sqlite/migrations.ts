/** The SQLite schema history: append only, never edit a shipped step. */
export const sqliteMigrations: { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'initial',
    sql: `
CREATE TABLE accounts (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, login_name TEXT UNIQUE, password_hash TEXT,
  permissions TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT NULL
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), hash TEXT NOT NULL UNIQUE,
  role INTEGER NOT NULL, label TEXT, hint TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER
);
CREATE INDEX api_keys_account ON api_keys(account_id);
CREATE TABLE access_keys (
  id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), sealed_secret TEXT NOT NULL,
  created_at INTEGER NOT NULL, revoked_at INTEGER
);
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE subjects (
  id TEXT PRIMARY KEY, account_id TEXT REFERENCES accounts(id), kind TEXT NOT NULL, number TEXT,
  base_number TEXT, state TEXT NOT NULL, emails TEXT NOT NULL, domains TEXT NOT NULL, dcv_email TEXT,
  attributes TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, version INTEGER NOT NULL
);
CREATE UNIQUE INDEX subjects_number ON subjects(ifnull(account_id, ''), kind, number) WHERE number IS NOT NULL;
CREATE INDEX subjects_base_number ON subjects(account_id, base_number);
CREATE TABLE verifications (
  id TEXT PRIMARY KEY, account_id TEXT REFERENCES accounts(id), subject_id TEXT REFERENCES subjects(id),
  scope TEXT NOT NULL, recipient TEXT NOT NULL, purpose TEXT NOT NULL, locale TEXT NOT NULL, state TEXT NOT NULL,
  current_token_id TEXT NOT NULL, expires_at INTEGER NOT NULL, send_count INTEGER NOT NULL, last_sent_at INTEGER,
  confirmed_at INTEGER, cancelled_at INTEGER, confirm_ip TEXT, send_ip TEXT,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX verifications_account ON verifications(account_id, id);
CREATE INDEX verifications_recipient ON verifications(recipient);
CREATE INDEX verifications_due ON verifications(state, expires_at);
CREATE INDEX verifications_subject ON verifications(subject_id);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY, verification_id TEXT NOT NULL REFERENCES verifications(id), hash TEXT NOT NULL UNIQUE,
  sealed TEXT, expires_at INTEGER NOT NULL, used_at INTEGER, created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tokens_verification ON tokens(verification_id);
CREATE TABLE messages (
  id TEXT PRIMARY KEY, verification_id TEXT NOT NULL REFERENCES verifications(id), account_id TEXT,
  recipient TEXT NOT NULL, purpose TEXT NOT NULL, locale TEXT NOT NULL, token_id TEXT NOT NULL,
  data TEXT NOT NULL, message_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
  abandoned INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, lease_owner TEXT, lease_until INTEGER,
  last_error TEXT, smtp_response TEXT, sent_at INTEGER, created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX messages_due ON messages(status, next_attempt_at);
CREATE INDEX messages_verification ON messages(verification_id);
CREATE INDEX messages_account ON messages(account_id, id);
CREATE TABLE delivery_attempts (
  message_id TEXT NOT NULL REFERENCES messages(id), number INTEGER NOT NULL, started_at INTEGER NOT NULL,
  finished_at INTEGER, result TEXT NOT NULL, response TEXT, PRIMARY KEY (message_id, number)
) WITHOUT ROWID;
-- Append-only: ordered by rowid, so the id needs no index of its own.
CREATE TABLE events (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL, at INTEGER NOT NULL, type TEXT NOT NULL, account_id TEXT, verification_id TEXT,
  subject_id TEXT, detail TEXT NOT NULL
);
CREATE INDEX events_verification ON events(verification_id);
CREATE TABLE quota_charges (key TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX quota_charges_key ON quota_charges(key, at);
CREATE TABLE captured_mail (
  id TEXT PRIMARY KEY, account_id TEXT, message_id TEXT NOT NULL, to_addr TEXT NOT NULL, from_addr TEXT NOT NULL,
  subject TEXT NOT NULL, text TEXT NOT NULL, html TEXT NOT NULL, headers TEXT NOT NULL, captured_at INTEGER NOT NULL
);
CREATE INDEX captured_mail_to ON captured_mail(to_addr);
`,
  },
  {
    id: 2,
    name: 'dcv offers and sandbox dns',
    sql: `
CREATE TABLE dcv_offers (
  account_id TEXT NOT NULL, email TEXT NOT NULL, domain TEXT NOT NULL, offered_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, email, domain)
) WITHOUT ROWID;
CREATE TABLE dns_fixtures (name TEXT PRIMARY KEY, txt TEXT NOT NULL, caa TEXT NOT NULL) WITHOUT ROWID;
`,
  },
  {
    id: 3,
    name: 'nonces, aggregated refusals, sealed captured mail, releasable charges',
    sql: `
CREATE TABLE nonces (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX nonces_expiry ON nonces(expires_at);
ALTER TABLE events ADD COLUMN bucket TEXT;
ALTER TABLE events ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX events_bucket ON events(bucket) WHERE bucket IS NOT NULL;
CREATE INDEX events_at ON events(at);
CREATE INDEX events_account ON events(account_id, seq);
ALTER TABLE quota_charges ADD COLUMN ref TEXT;
-- Captured mail was kept in clear: it is sandbox mail, so it is dropped rather than sealed in place.
DROP TABLE captured_mail;
CREATE TABLE captured_mail (
  id TEXT PRIMARY KEY, account_id TEXT, to_addr TEXT NOT NULL, sealed TEXT NOT NULL, captured_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX captured_mail_to ON captured_mail(to_addr);
CREATE INDEX captured_mail_account ON captured_mail(account_id, id);
`,
  },
  {
    id: 4,
    name: 'queued anonymous requests',
    sql: `
CREATE TABLE queued_requests (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, sealed TEXT NOT NULL, ip TEXT, received_at INTEGER NOT NULL,
  lease_owner TEXT, lease_until INTEGER
) WITHOUT ROWID;
`,
  },
  {
    id: 5,
    name: 'courier channels, webhooks, bounces and suppressions',
    sql: `
ALTER TABLE messages ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
ALTER TABLE messages ADD COLUMN destination TEXT NOT NULL DEFAULT '';
UPDATE messages SET destination = lower(substr(recipient, instr(recipient, '@') + 1));
ALTER TABLE messages RENAME COLUMN smtp_response TO response;
-- Claims skip destinations out of room without reading the rows.
DROP INDEX messages_due;
CREATE INDEX messages_due ON messages(status, next_attempt_at, destination);
CREATE INDEX messages_endpoint ON messages(recipient, id) WHERE channel = 'webhook';
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), url TEXT NOT NULL, events TEXT NOT NULL,
  sealed_secret TEXT NOT NULL, created_at INTEGER NOT NULL, deleted_at INTEGER
) WITHOUT ROWID;
CREATE INDEX webhook_endpoints_account ON webhook_endpoints(account_id, id);
-- Announcements expand through this key: one probe per event for an account without endpoints.
CREATE TABLE webhook_subscriptions (
  account_id TEXT NOT NULL, event TEXT NOT NULL, endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
  PRIMARY KEY (account_id, event, endpoint_id)
) WITHOUT ROWID;
-- account_key: the account's id, or '' for mail of no account (sign-ups).
CREATE TABLE suppressions (
  id TEXT PRIMARY KEY, account_key TEXT NOT NULL, address TEXT NOT NULL, reason TEXT NOT NULL, message_id TEXT,
  detail TEXT, created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX suppressions_address ON suppressions(account_key, address);
CREATE INDEX suppressions_account ON suppressions(account_key, id);
CREATE TABLE bounces (
  message_id TEXT NOT NULL REFERENCES messages(id), seq INTEGER NOT NULL, kind TEXT NOT NULL, status TEXT,
  diagnostic TEXT, received_at INTEGER NOT NULL, PRIMARY KEY (message_id, seq)
) WITHOUT ROWID;
`,
  },
  {
    id: 6,
    name: 'split tokens: found by id, checked by a verifier; the whole-token hash only for older tokens',
    sql: `
CREATE TABLE tokens_split (
  id TEXT PRIMARY KEY, verification_id TEXT NOT NULL REFERENCES verifications(id), hash TEXT, verifier TEXT,
  sealed TEXT, expires_at INTEGER NOT NULL, used_at INTEGER, created_at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO tokens_split (id, verification_id, hash, sealed, expires_at, used_at, created_at)
  SELECT id, verification_id, hash, sealed, expires_at, used_at, created_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_split RENAME TO tokens;
CREATE UNIQUE INDEX tokens_hash ON tokens(hash) WHERE hash IS NOT NULL;
CREATE INDEX tokens_verification ON tokens(verification_id);
`,
  },
  {
    id: 7,
    name: 'quota charges taken outside sends end with their own window',
    sql: `
ALTER TABLE quota_charges ADD COLUMN expires_at INTEGER;
CREATE INDEX quota_charges_expiry ON quota_charges(expires_at) WHERE expires_at IS NOT NULL;
`,
  },
  {
    id: 8,
    name: "a verification's tokens, messages and events found through chains from its row, not through indexes",
    sql: `
-- A resend wrote a page in each of three by-verification indexes, pages no other resend of its group
-- shared. Instead each child names the one before it, and the verification row, which the resend
-- writes anyway, names the newest. Backfilled here through the indexes, which then go.
ALTER TABLE verifications ADD COLUMN token_head TEXT;
ALTER TABLE verifications ADD COLUMN message_head TEXT;
ALTER TABLE verifications ADD COLUMN event_head INTEGER;
ALTER TABLE tokens ADD COLUMN prev_id TEXT;
ALTER TABLE messages ADD COLUMN prev_id TEXT;
ALTER TABLE events ADD COLUMN prev_seq INTEGER;
UPDATE tokens SET prev_id = (SELECT max(p.id) FROM tokens p WHERE p.verification_id = tokens.verification_id AND p.id < tokens.id);
UPDATE messages SET prev_id = (
  SELECT max(p.id) FROM messages p WHERE p.verification_id = messages.verification_id AND p.id < messages.id AND p.channel = 'email'
) WHERE channel = 'email';
UPDATE events SET prev_seq = (
  SELECT max(p.seq) FROM events p WHERE p.verification_id = events.verification_id AND p.seq < events.seq AND p.bucket IS NULL
) WHERE verification_id IS NOT NULL AND bucket IS NULL;
UPDATE verifications SET
  token_head = (SELECT max(id) FROM tokens WHERE verification_id = verifications.id),
  message_head = (SELECT max(id) FROM messages WHERE verification_id = verifications.id AND channel = 'email'),
  event_head = (SELECT max(seq) FROM events WHERE verification_id = verifications.id AND bucket IS NULL);
DROP INDEX tokens_verification;
DROP INDEX messages_verification;
DROP INDEX events_verification;
-- Webhook deliveries (several rows a statement) and refusal counts (one row an hour, updated in place) stay indexed.
CREATE INDEX messages_webhook_verification ON messages(verification_id) WHERE channel = 'webhook';
CREATE INDEX events_refusal_verification ON events(verification_id) WHERE bucket IS NOT NULL;
`,
  },
];
