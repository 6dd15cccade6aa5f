-- Each camera's clock against the server's over the last hour: lag_ms = received_at (server, when ingest wrote the
-- row) - device_time (camera, when it announced the segment). Upload and queueing make it positive and small; a camera
-- clock that runs behind makes it large, one that runs ahead makes it negative. start_at bounds the scan to the
-- newest partitions.
CREATE VIEW camera_clock AS
SELECT camera_id,
       count(*)                                                                 AS segments,
       max(received_at)                                                         AS last_received_at,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - device_time)) * 1000)::bigint
                                                                                AS median_lag_ms,
       (min(extract(epoch FROM received_at - device_time)) * 1000)::bigint      AS min_lag_ms,
       (max(extract(epoch FROM received_at - device_time)) * 1000)::bigint      AS max_lag_ms
FROM segments
WHERE start_at > now() - interval '1 day' AND received_at > now() - interval '1 hour'
GROUP BY camera_id;
