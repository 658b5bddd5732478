-- Monitors, their webhook deliveries and every delivery attempt (the same model as SQLite
-- migration 5, lib/store/migrations.ts). The schedule lives here: next_run_at, the pending run
-- (pending_since, pending_check_id) and each delivery's next attempt; the scheduler's claims are
-- compare-and-set updates on these columns, so instances sharing the database never run a monitor
-- or send a delivery twice.

CREATE TABLE monitors (
  id               text COLLATE "C" PRIMARY KEY,
  domain           text NOT NULL,
  interval_sec     integer NOT NULL CHECK (interval_sec > 0),
  conditions       json NOT NULL,              -- MonitorConditions
  targets          json NOT NULL,              -- MonitorTarget[]
  token_hash       text NOT NULL UNIQUE,       -- SHA-256 hex of the capability token (never the token)
  signing_secret   text NOT NULL,
  created_by       text NOT NULL,              -- client key, for the per-client cap
  origin           text NOT NULL,
  created_at       bigint NOT NULL,            -- ms since epoch
  paused           boolean NOT NULL DEFAULT false,
  next_run_at      bigint NOT NULL,
  last_check_id    text,
  pending_since    bigint,
  pending_check_id text
);
CREATE INDEX monitors_due ON monitors (next_run_at) WHERE NOT paused AND pending_since IS NULL;
CREATE INDEX monitors_by_client ON monitors (created_by);

CREATE TABLE monitor_deliveries (
  id              text COLLATE "C" PRIMARY KEY,
  monitor_id      text COLLATE "C" NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
  url             text NOT NULL,
  payload         text NOT NULL,               -- the exact body, signed on every attempt
  check_id        text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at bigint,
  created_at      bigint NOT NULL
);
CREATE INDEX monitor_deliveries_due ON monitor_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX monitor_deliveries_by_monitor ON monitor_deliveries (monitor_id, created_at);

CREATE TABLE monitor_delivery_attempts (
  delivery_id text COLLATE "C" NOT NULL REFERENCES monitor_deliveries (id) ON DELETE CASCADE,
  n           integer NOT NULL,
  at          bigint NOT NULL,
  outcome     text NOT NULL,
  http_status integer,
  error       text,
  duration_ms integer NOT NULL,
  PRIMARY KEY (delivery_id, n)
);
