-- Storage prefixes never nest or overlap (issue 14 item 7): a camera's prefix may not equal another camera's, lie
-- inside it ('a/b' under 'a') or contain it ('a' over 'a/b'), compared path segment by path segment ('a/bc' and
-- 'a/b' are siblings). Otherwise one camera's storage key could write into, and retention could sweep, another
-- camera's objects. Prefixes are in normal form (no leading, trailing or double '/'), which the admin API ensures.
--
-- Race-free: the trigger takes one transaction-scoped advisory lock before it looks, so two registrations at once
-- are checked one after the other, and the second sees the first once it has committed (each statement of a plpgsql
-- function takes a fresh snapshot under READ COMMITTED). Rows that conflicted before this migration stay as they are.

-- Byte order, so the range "prefix/" .. "prefix0" ('0' follows '/') holds exactly the prefixes below one.
CREATE INDEX devices_prefix ON devices (prefix COLLATE "C");

CREATE FUNCTION refuse_overlapping_prefix()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ${flyway:defaultSchema}
AS $$
DECLARE
  parts     text[] := string_to_array(NEW.prefix, '/');
  ancestors text[] := ARRAY(SELECT array_to_string(parts[1:n], '/') FROM generate_series(1, cardinality(parts)) n);
  other     devices%ROWTYPE;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('credential.devices/prefix', 0));
  SELECT * INTO other FROM devices d
  WHERE d.id <> NEW.id
    AND (d.prefix = ANY (ancestors)
         OR (d.prefix COLLATE "C" > (NEW.prefix || '/') COLLATE "C"
             AND d.prefix COLLATE "C" < (NEW.prefix || '0') COLLATE "C"))
  ORDER BY d.id LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'prefix % overlaps prefix % of camera %', NEW.prefix, other.prefix, other.id
      USING ERRCODE = 'exclusion_violation', DETAIL = other.id, HINT = other.prefix,
            CONSTRAINT = 'devices_prefix_no_overlap';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER devices_prefix_no_overlap BEFORE INSERT OR UPDATE OF prefix ON devices
  FOR EACH ROW EXECUTE FUNCTION refuse_overlapping_prefix();
