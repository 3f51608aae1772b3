/**
 * The PostgreSQL schema history: append only, never edit a shipped step. It reaches the same schema
 * as the SQLite history (times are BIGINT epoch milliseconds, lists and objects JSON text), with
 * indexes shaped for several nodes claiming at once (partial indexes on what is due).
 */
export const postgresMigrations: { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'initial',
    sql: `
-- Text compares byte by byte (COLLATE "C") whatever the database's locale: ids order as they do in SQLite.
CREATE TABLE accounts (
  id TEXT COLLATE "C" PRIMARY KEY, name TEXT COLLATE "C" NOT NULL UNIQUE, login_name TEXT COLLATE "C" UNIQUE, password_hash TEXT COLLATE "C",
  permissions TEXT COLLATE "C" NOT NULL DEFAULT '{}', created_at BIGINT NOT NULL
);
CREATE TABLE api_keys (
  id TEXT COLLATE "C" PRIMARY KEY, account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id), hash TEXT COLLATE "C" NOT NULL UNIQUE,
  role INTEGER NOT NULL, label TEXT COLLATE "C", hint TEXT COLLATE "C" NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT
);
CREATE INDEX api_keys_account ON api_keys(account_id);
CREATE TABLE access_keys (
  id TEXT COLLATE "C" PRIMARY KEY, account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id), sealed_secret TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL, revoked_at BIGINT
);
CREATE INDEX access_keys_account ON access_keys(account_id);
CREATE TABLE settings (name TEXT COLLATE "C" PRIMARY KEY, value TEXT COLLATE "C" NOT NULL);
CREATE TABLE subjects (
  id TEXT COLLATE "C" PRIMARY KEY, account_id TEXT COLLATE "C" REFERENCES accounts(id), kind TEXT COLLATE "C" NOT NULL, number TEXT COLLATE "C",
  base_number TEXT COLLATE "C", state TEXT COLLATE "C" NOT NULL, emails TEXT COLLATE "C" NOT NULL, domains TEXT COLLATE "C" NOT NULL, dcv_email TEXT COLLATE "C",
  attributes TEXT COLLATE "C" NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, version INTEGER NOT NULL
);
CREATE UNIQUE INDEX subjects_number ON subjects((coalesce(account_id, '')), kind, number) WHERE number IS NOT NULL;
CREATE INDEX subjects_base_number ON subjects(account_id, base_number);
CREATE TABLE verifications (
  id TEXT COLLATE "C" PRIMARY KEY, account_id TEXT COLLATE "C" REFERENCES accounts(id), subject_id TEXT COLLATE "C" REFERENCES subjects(id),
  scope TEXT COLLATE "C" NOT NULL, recipient TEXT COLLATE "C" NOT NULL, purpose TEXT COLLATE "C" NOT NULL, locale TEXT COLLATE "C" NOT NULL, state TEXT COLLATE "C" NOT NULL,
  current_token_id TEXT COLLATE "C" NOT NULL, expires_at BIGINT NOT NULL, send_count INTEGER NOT NULL, last_sent_at BIGINT,
  confirmed_at BIGINT, cancelled_at BIGINT, confirm_ip TEXT COLLATE "C", send_ip TEXT COLLATE "C",
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, version INTEGER NOT NULL
);
CREATE INDEX verifications_account ON verifications(account_id, id);
CREATE INDEX verifications_recipient ON verifications(recipient);
CREATE INDEX verifications_due ON verifications(expires_at) WHERE state = 'pending';
CREATE INDEX verifications_subject ON verifications(subject_id);
CREATE TABLE tokens (
  id TEXT COLLATE "C" PRIMARY KEY, verification_id TEXT COLLATE "C" NOT NULL REFERENCES verifications(id), hash TEXT COLLATE "C" NOT NULL UNIQUE,
  sealed TEXT COLLATE "C", expires_at BIGINT NOT NULL, used_at BIGINT, created_at BIGINT NOT NULL
);
CREATE INDEX tokens_verification ON tokens(verification_id);
CREATE TABLE messages (
  id TEXT COLLATE "C" PRIMARY KEY, verification_id TEXT COLLATE "C" NOT NULL REFERENCES verifications(id), account_id TEXT COLLATE "C",
  recipient TEXT COLLATE "C" NOT NULL, purpose TEXT COLLATE "C" NOT NULL, locale TEXT COLLATE "C" NOT NULL, token_id TEXT COLLATE "C" NOT NULL,
  data TEXT COLLATE "C" NOT NULL, message_id TEXT COLLATE "C" NOT NULL, status TEXT COLLATE "C" NOT NULL, attempts INTEGER NOT NULL,
  abandoned INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL, lease_owner TEXT COLLATE "C", lease_until BIGINT,
  last_error TEXT COLLATE "C", smtp_response TEXT COLLATE "C", sent_at BIGINT, created_at BIGINT NOT NULL
);
-- What a claim reads: the waiting messages by due time, and the leases by expiry.
CREATE INDEX messages_waiting ON messages(next_attempt_at) WHERE status IN ('queued', 'deferred');
CREATE INDEX messages_leased ON messages(lease_until) WHERE status = 'sending';
CREATE INDEX messages_status ON messages(status, id);
CREATE INDEX messages_verification ON messages(verification_id);
CREATE INDEX messages_account ON messages(account_id, id);
CREATE TABLE delivery_attempts (
  message_id TEXT COLLATE "C" NOT NULL REFERENCES messages(id), number INTEGER NOT NULL, started_at BIGINT NOT NULL,
  finished_at BIGINT, result TEXT COLLATE "C" NOT NULL, response TEXT COLLATE "C", PRIMARY KEY (message_id, number)
);
CREATE TABLE events (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT COLLATE "C" NOT NULL, at BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL,
  account_id TEXT COLLATE "C", verification_id TEXT COLLATE "C", subject_id TEXT COLLATE "C", detail TEXT COLLATE "C" NOT NULL,
  bucket TEXT COLLATE "C", count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX events_verification ON events(verification_id);
CREATE UNIQUE INDEX events_bucket ON events(bucket) WHERE bucket IS NOT NULL;
CREATE INDEX events_at ON events(at);
CREATE INDEX events_account ON events(account_id, seq);
CREATE TABLE quota_charges (key TEXT COLLATE "C" NOT NULL, at BIGINT NOT NULL, ref TEXT COLLATE "C");
CREATE INDEX quota_charges_key ON quota_charges(key, at);
CREATE INDEX quota_charges_at ON quota_charges(at);
CREATE TABLE captured_mail (
  id TEXT COLLATE "C" PRIMARY KEY, account_id TEXT COLLATE "C", to_addr TEXT COLLATE "C" NOT NULL, sealed TEXT COLLATE "C" NOT NULL, captured_at BIGINT NOT NULL
);
CREATE INDEX captured_mail_to ON captured_mail(to_addr);
CREATE INDEX captured_mail_account ON captured_mail(account_id, id);
CREATE TABLE dcv_offers (
  account_id TEXT COLLATE "C" NOT NULL, email TEXT COLLATE "C" NOT NULL, domain TEXT COLLATE "C" NOT NULL, offered_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, email, domain)
);
CREATE TABLE dns_fixtures (name TEXT COLLATE "C" PRIMARY KEY, txt TEXT COLLATE "C" NOT NULL, caa TEXT COLLATE "C" NOT NULL);
CREATE TABLE nonces (key TEXT COLLATE "C" PRIMARY KEY, expires_at BIGINT NOT NULL);
CREATE INDEX nonces_expiry ON nonces(expires_at);
CREATE TABLE queued_requests (
  id TEXT COLLATE "C" PRIMARY KEY, kind TEXT COLLATE "C" NOT NULL, sealed TEXT COLLATE "C" NOT NULL, ip TEXT COLLATE "C", received_at BIGINT NOT NULL,
  lease_owner TEXT COLLATE "C", lease_until BIGINT
);
-- Check-and-charge of a write batch's quotas, inside the batch's own statement. The advisory locks
-- (one per quota key, taken in the order given) serialise it across nodes; being VOLATILE, each query
-- here reads a fresh snapshot, so the counts see the charges of whoever held a lock before. A refusal
-- raises RV001 and the whole statement (the batch) is undone.
CREATE FUNCTION reverify_charge(lock_ids INTEGER[], check_keys TEXT[], sinces BIGINT[], limits INTEGER[], adds INTEGER[],
                                charge_keys TEXT[], charged_at BIGINT, enforce BOOLEAN) RETURNS BOOLEAN
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  lock_id INTEGER;
BEGIN
  IF enforce THEN
    FOREACH lock_id IN ARRAY lock_ids LOOP
      PERFORM pg_advisory_xact_lock(72657001, lock_id);
    END LOOP;
    IF EXISTS (SELECT 1 FROM unnest(check_keys, sinces, limits, adds) AS r(key, since, lim, adding)
               WHERE (SELECT count(*) FROM quota_charges c WHERE c.key = r.key AND c.at > r.since) + r.adding > r.lim) THEN
      RAISE EXCEPTION 'quota refused' USING ERRCODE = 'RV001';
    END IF;
  END IF;
  INSERT INTO quota_charges (key, at) SELECT k, charged_at FROM unnest(charge_keys) AS k;
  RETURN TRUE;
END $$;
-- Version guards inside one statement: when fewer guarded rows changed than expected, RV002 undoes the statement.
CREATE FUNCTION reverify_guard(expected BIGINT, changed BIGINT) RETURNS BIGINT
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF changed <> expected THEN
    RAISE EXCEPTION 'version guard: % of % rows changed', changed, expected USING ERRCODE = 'RV002';
  END IF;
  RETURN changed;
END $$;
`,
  },
  {
    id: 2,
    name: 'courier channels, webhooks, bounces and suppressions',
    sql: `
ALTER TABLE messages ADD COLUMN channel TEXT COLLATE "C" NOT NULL DEFAULT 'email';
ALTER TABLE messages ADD COLUMN destination TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE messages SET destination = lower(substr(recipient, strpos(recipient, '@') + 1));
ALTER TABLE messages RENAME COLUMN smtp_response TO response;
CREATE INDEX messages_endpoint ON messages(recipient, id) WHERE channel = 'webhook';
CREATE TABLE webhook_endpoints (
  id TEXT COLLATE "C" PRIMARY KEY, account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id), url TEXT COLLATE "C" NOT NULL,
  events TEXT COLLATE "C" NOT NULL, sealed_secret TEXT COLLATE "C" NOT NULL, created_at BIGINT NOT NULL, deleted_at BIGINT
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints(account_id, id);
-- Announcements expand through this key: one probe per event for an account without endpoints.
CREATE TABLE webhook_subscriptions (
  account_id TEXT COLLATE "C" NOT NULL, event TEXT COLLATE "C" NOT NULL,
  endpoint_id TEXT COLLATE "C" NOT NULL REFERENCES webhook_endpoints(id), PRIMARY KEY (account_id, event, endpoint_id)
);
-- account_key: the account's id, or '' for mail of no account (sign-ups).
CREATE TABLE suppressions (
  id TEXT COLLATE "C" PRIMARY KEY, account_key TEXT COLLATE "C" NOT NULL, address TEXT COLLATE "C" NOT NULL,
  reason TEXT COLLATE "C" NOT NULL, message_id TEXT COLLATE "C", detail TEXT COLLATE "C", created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX suppressions_address ON suppressions(account_key, address);
CREATE INDEX suppressions_account ON suppressions(account_key, id);
CREATE TABLE bounces (
  message_id TEXT COLLATE "C" NOT NULL REFERENCES messages(id), seq INTEGER NOT NULL, kind TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C", diagnostic TEXT COLLATE "C", received_at BIGINT NOT NULL, PRIMARY KEY (message_id, seq)
);
-- A batch's emails against the suppression lists, inside the batch's own statement: RV003 (its
-- message the suppressed recipients, one a line) undoes the whole statement.
CREATE FUNCTION reverify_unsuppressed(account_keys TEXT[], addresses TEXT[], recipients TEXT[]) RETURNS BOOLEAN
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  hit TEXT[];
BEGIN
  SELECT array_agg(DISTINCT x.r) INTO hit
  FROM unnest(account_keys, addresses, recipients) AS x(k, a, r) JOIN suppressions s ON s.account_key = x.k AND s.address = x.a;
  IF hit IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'RV003', MESSAGE = array_to_string(hit, E'\\n');
  END IF;
  RETURN TRUE;
END $$;
`,
  },
  {
    id: 3,
    name: 'split tokens: found by id, checked by a verifier; the whole-token hash only for older tokens',
    sql: `
ALTER TABLE tokens ALTER COLUMN hash DROP NOT NULL;
ALTER TABLE tokens ADD COLUMN verifier TEXT COLLATE "C";
`,
  },
  {
    id: 4,
    name: 'quota charges taken outside sends end with their own window',
    sql: `
ALTER TABLE quota_charges ADD COLUMN expires_at BIGINT;
CREATE INDEX quota_charges_expiry ON quota_charges(expires_at) WHERE expires_at IS NOT NULL;
`,
  },
];
