-- Callbacks (issue 7): what webhooks need beyond V7's minimal table, and the delivery log.
--
-- A webhook's signing secret is never stored: it is HMAC-SHA256(callbacks.masterKey, id + secret_salt), so a copy of
-- the database alone reveals nothing. Rotating the secret replaces the salt. `events` is an optional fleet-wide
-- subscription: events of these types from every camera, with or without a task.
ALTER TABLE webhooks
    ADD COLUMN description text   NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    ADD COLUMN events      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN secret_salt text   NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
    ADD COLUMN secret_rotated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT webhooks_url_length CHECK (length(url) <= 2048);

-- One row per (webhook, event): the UNIQUE key makes the fan-out idempotent, so an event dispatched again after a
-- crash never makes a second delivery. status: pending (next_attempt_at is when), delivered, failed (gave up).
-- lease_until: while an instance is attempting it (claimed with SKIP LOCKED); an instance that dies mid-attempt leaves
-- a lease that simply runs out, and another instance takes the delivery up again.
CREATE TABLE webhook_deliveries (
    delivery_id     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      text        NOT NULL REFERENCES webhooks ON DELETE CASCADE,
    event_id        bigint      NOT NULL REFERENCES recording_events ON DELETE CASCADE,
    event_type      text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    lease_until     timestamptz,
    last_attempt_at timestamptz,
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    UNIQUE (webhook_id, event_id)
);
-- The claim: per webhook, its due deliveries in order.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (webhook_id, next_attempt_at) WHERE status = 'pending';
-- What is in flight per webhook (leases are cleared when an attempt ends).
CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (webhook_id) WHERE lease_until IS NOT NULL;
-- The log: one webhook's deliveries, newest first (cursor = delivery_id).
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, delivery_id DESC);
-- Retention of finished deliveries.
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE status <> 'pending';

-- Every attempt of a delivery, for the log (deleted with its delivery).
CREATE TABLE webhook_attempts (
    attempt_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  bigint      NOT NULL REFERENCES webhook_deliveries ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL,
    duration_ms  integer     NOT NULL,
    status_code  integer,
    error        text
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt_id);
