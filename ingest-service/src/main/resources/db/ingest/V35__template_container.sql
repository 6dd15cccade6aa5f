-- The segment format a record template asks its cameras for: 'ts' (MPEG-TS) or 'fmp4' (fMP4/CMAF with an init
-- segment); NULL leaves each camera with its own (the SDK default is MPEG-TS). A task span keeps the template's
-- value as it was when the span opened, as it keeps segment_seconds, so the start command repeats it.
ALTER TABLE record_templates ADD COLUMN container text CHECK (container IN ('ts', 'fmp4'));
ALTER TABLE task_spans ADD COLUMN container text CHECK (container IN ('ts', 'fmp4'));
