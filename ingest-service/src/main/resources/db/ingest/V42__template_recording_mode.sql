-- How a record template's cameras record (issue 19 items 4 and 5): 'continuous' or 'event' (upload only from the
-- pre-roll before a trigger to the post-roll after the last one, for metered links), the pre-roll (0..60 s) and
-- post-roll (1..600 s), and the storage plan ('standard', 'infrequent', 'archive': the objects' S3 storage class and
-- their ipchls-plan tag). NULL leaves each camera with its own. A task span keeps the template's values as they were
-- when the span opened, as it keeps segment_seconds and container, so the start command repeats them.
ALTER TABLE record_templates
  ADD COLUMN mode text CHECK (mode IN ('continuous', 'event')),
  ADD COLUMN pre_roll_seconds integer CHECK (pre_roll_seconds BETWEEN 0 AND 60),
  ADD COLUMN post_roll_seconds integer CHECK (post_roll_seconds BETWEEN 1 AND 600),
  ADD COLUMN tier text CHECK (tier IN ('standard', 'infrequent', 'archive'));
ALTER TABLE task_spans
  ADD COLUMN mode text CHECK (mode IN ('continuous', 'event')),
  ADD COLUMN pre_roll_seconds integer CHECK (pre_roll_seconds BETWEEN 0 AND 60),
  ADD COLUMN post_roll_seconds integer CHECK (post_roll_seconds BETWEEN 1 AND 600),
  ADD COLUMN tier text CHECK (tier IN ('standard', 'infrequent', 'archive'));
