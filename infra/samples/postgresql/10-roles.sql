-- ipc-hls on an external PostgreSQL (>= 14), step 1 of 2: run once as an administrator (superuser or a role with
-- CREATEROLE that owns the database), connected to the ipchls database, BEFORE the services first start:
--   createdb --template=template0 --encoding=UTF8 --locale=C ipchls
--   psql -d ipchls -v ON_ERROR_STOP=1 -f 10-roles.sql
-- (UTF-8 with C collation: the services' texts are identifiers and keys, compared byte by byte; docs/ARCHITECTURE.md)
-- then give each role its password (psql sends only a SCRAM hash):  \password ipchls_credential  (and the others)
-- Idempotent: safe to run again.

-- One login role per service. None is a superuser, none may create roles or databases.
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['ipchls_credential', 'ipchls_ingest', 'ipchls_playlist'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT', r);
    END IF;
  END LOOP;
END $$;

-- Only the services may connect; nobody may create objects in public (PostgreSQL 15's default, made explicit).
REVOKE ALL ON DATABASE ipchls FROM PUBLIC;
GRANT CONNECT ON DATABASE ipchls TO ipchls_credential, ipchls_ingest, ipchls_playlist;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Each service owns its schema: Flyway migrates it as that role at start-up, so it needs no other CREATE right.
CREATE SCHEMA IF NOT EXISTS credential AUTHORIZATION ipchls_credential;
CREATE SCHEMA IF NOT EXISTS ingest AUTHORIZATION ipchls_ingest;

-- Readers may look into the schemas they read; what they may read is granted view by view in 20-grants.sql.
GRANT USAGE ON SCHEMA credential TO ipchls_ingest, ipchls_playlist;
GRANT USAGE ON SCHEMA ingest TO ipchls_playlist;

-- A runaway query must not hold a connection forever (the services' own statements take milliseconds).
ALTER ROLE ipchls_playlist SET statement_timeout = '30s';
ALTER ROLE ipchls_credential SET statement_timeout = '30s';
