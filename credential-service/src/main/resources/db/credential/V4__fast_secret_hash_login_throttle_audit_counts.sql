-- Issue 15 items 3 and 4.
--
-- Camera secrets are 256 random bits made by credential-service, so a slow password hash protects nothing that a
-- plain SHA-256 does not (2^256 guesses either way) while it bounds a reconnect storm to one bcrypt per core every
-- 12 ms. New and rotated secrets are stored as SHA-256 (secret_scheme 'sha256', 64 lower-case hex digits in
-- secret_hash); rows from before keep their bcrypt hash ('bcrypt', the default, so every writer of older versions
-- still writes a valid row) until the camera's next successful login replaces it. secret_version grows with every
-- rotation and nothing else: the credential issuer compares it (not the hash, which a login's rehash changes) to see
-- whether the secret was rotated while it issued.
ALTER TABLE devices
  ADD COLUMN secret_scheme  text    NOT NULL DEFAULT 'bcrypt' CHECK (secret_scheme IN ('bcrypt', 'sha256')),
  ADD COLUMN secret_version integer NOT NULL DEFAULT 1;
ALTER TABLE devices
  ADD CONSTRAINT devices_sha256_form CHECK (secret_scheme <> 'sha256' OR secret_hash ~ '^[0-9a-f]{64}$');

-- Failed broker logins per key ('id:<camera id>' or 'addr:<source address>') in a window that starts with the first
-- failure: a key with auth.maxFailuresPer... failures inside auth.lockoutSeconds is refused before any hash check,
-- on every instance (this table is what they share). Read in the same statement as the camera's row. Never holds a
-- secret. Rows whose window has passed are deleted by the audit retention job.
CREATE TABLE login_failures (
  key          text        PRIMARY KEY,
  failures     integer     NOT NULL,
  window_start timestamptz NOT NULL
);

-- Refused broker logins are audited as one row per camera, source address and reason per interval, with a count,
-- instead of one row per refused CONNECT (a storm of bad logins must not become a storm of inserts).
ALTER TABLE audit
  ADD COLUMN source_address text,
  ADD COLUMN count          integer NOT NULL DEFAULT 1 CHECK (count > 0);

-- The audit retention job deletes by time.
CREATE INDEX audit_at ON audit (at);

-- Credential requests per camera as one token bucket for all instances (issue 15 item 4: rate limits hold across
-- instances): rateLimit.burst tokens, one more every rateLimit.refillSeconds. Taken in the same statement that reads
-- the camera (DeviceRepository.TAKE_REQUEST_TOKEN); each instance's own bucket in memory still refuses a flood before
-- it reaches the database. Rows of buckets that have filled up again are deleted by the audit retention job.
CREATE TABLE request_buckets (
  camera_id  text             PRIMARY KEY,
  tokens     double precision NOT NULL,
  updated_at timestamptz      NOT NULL
);
