-- Camera registry. The secret is stored only as a bcrypt hash; it is shown once, when it is made.
CREATE TABLE devices (
  id           text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  secret_hash  text        NOT NULL,
  prefix       text        NOT NULL CHECK (length(prefix) BETWEEN 1 AND 512),
  enabled      boolean     NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz
);

-- Who did what to which camera: registrations, rotations, broker refusals, credential issuance and refusals.
-- Never holds a secret.
CREATE TABLE audit (
  id        bigserial   PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  camera_id text,
  action    text        NOT NULL,
  outcome   text        NOT NULL,
  reason    text
);

CREATE INDEX audit_camera_at ON audit (camera_id, at);
