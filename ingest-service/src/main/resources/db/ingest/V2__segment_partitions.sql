-- Daily partitions of segments (UTC days), created ahead of time by ingest-service calling
-- ensure_segment_partitions(days_ahead) at start-up and hourly. PostgreSQL refuses a partition for a day whose rows
-- already sit in the DEFAULT partition; such a day stays in DEFAULT (noticed, not an error). Safe to run from several
-- instances at once.
CREATE FUNCTION ensure_segment_partitions(days_ahead integer) RETURNS integer
LANGUAGE plpgsql
SET search_path = ${flyway:defaultSchema}
AS $$
DECLARE
  today   date    := (now() AT TIME ZONE 'UTC')::date;
  part    text;
  created integer := 0;
BEGIN
  FOR i IN 0..days_ahead LOOP
    part := 'segments_' || to_char(today + i, 'YYYYMMDD');
    CONTINUE WHEN to_regclass(part) IS NOT NULL;
    BEGIN
      EXECUTE format('CREATE TABLE %I PARTITION OF segments FOR VALUES FROM (%L) TO (%L)', part,
                     (today + i)::timestamp AT TIME ZONE 'UTC', (today + i + 1)::timestamp AT TIME ZONE 'UTC');
      created := created + 1;
    EXCEPTION WHEN check_violation OR duplicate_table OR unique_violation THEN
      RAISE NOTICE 'partition % not created: %', part, SQLERRM;
    END;
  END LOOP;
  RETURN created;
END
$$;
