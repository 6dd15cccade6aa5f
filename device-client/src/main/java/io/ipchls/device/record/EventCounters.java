package io.ipchls.device.record;

/**
 * Event-only recording's counters.
 *
 * @param clips event clips started (a trigger during a clip extends it and is not counted again)
 * @param preRollSegments segments in the pre-roll ring now
 * @param preRollBytes bytes in the pre-roll ring now
 * @param segmentsNotRecorded segments cut outside any event clip and never uploaded
 * @param preRollDropped of those, segments the pre-roll would have kept but its memory bound dropped
 * @param lastTriggerMs the camera's wall time of the last trigger that started or extended a clip, or 0
 * @param recordUntilMs segments starting before this wall time are uploaded (the last trigger plus the post-roll), or 0
 */
public record EventCounters(long clips, int preRollSegments, long preRollBytes, long segmentsNotRecorded,
    long preRollDropped, long lastTriggerMs, long recordUntilMs) {}
