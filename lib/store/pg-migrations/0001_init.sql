-- mxray on PostgreSQL: checks and their event logs (the same model as the SQLite store,
-- lib/store/migrations.ts). Applied by lib/store/pg-migrate.ts; never edited once released:
-- a change is a new file with the next number.

CREATE TABLE checks (
  -- COLLATE "C": ids order byte-wise, as in SQLite (history's keyset cursor), whatever the database's collation
  id               text COLLATE "C" PRIMARY KEY,
  domain           text NOT NULL,
  mode             text NOT NULL CHECK (mode IN ('domain', 'host')),
  -- json, not jsonb: kept byte for byte as written (key order of API answers), and read as text
  input            json NOT NULL,              -- CheckInput
  status           text NOT NULL CHECK (status IN ('running', 'done', 'interrupted')),
  visibility       text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted')),
  created_at       bigint NOT NULL,            -- ms since epoch
  finished_at      bigint,
  result           json,                       -- CheckResult, when done
  error            text,                       -- why it was interrupted
  -- the store instance running it, and until when its lease holds (lib/store/check-store.ts, Ownership)
  owner            text,
  lease_expires_at bigint,
  -- seq of the last event: appending takes the row lock, so seqs are gap-free and ordered per check
  last_seq         integer NOT NULL DEFAULT 0,
  CHECK (status <> 'done' OR result IS NOT NULL)
);
CREATE INDEX checks_by_target ON checks (domain, mode, created_at);
CREATE INDEX checks_by_finished ON checks (status, finished_at);
-- the sweep of dead instances' checks and the lease renewal look at running checks only
CREATE INDEX checks_running_by_owner ON checks (owner, lease_expires_at) WHERE status = 'running';

CREATE TABLE check_events (
  check_id   text COLLATE "C" NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
  seq        integer NOT NULL,
  type       text NOT NULL,
  data       json NOT NULL,                    -- CheckEvent
  created_at bigint NOT NULL,
  PRIMARY KEY (check_id, seq)
);

-- A finished check is immutable, whoever writes to the database.
CREATE FUNCTION mxray_checks_finished_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'running' THEN
    RAISE EXCEPTION 'check is finished' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER checks_finished_immutable BEFORE UPDATE ON checks
  FOR EACH ROW EXECUTE FUNCTION mxray_checks_finished_immutable();

CREATE FUNCTION mxray_check_events_only_while_running() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT status FROM checks WHERE id = NEW.check_id) IS DISTINCT FROM 'running' THEN
    RAISE EXCEPTION 'check is not running' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER check_events_only_while_running BEFORE INSERT ON check_events
  FOR EACH ROW EXECUTE FUNCTION mxray_check_events_only_while_running();
