package io.ipchls.gateway.record;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One camera's state as the status line, the HTTP endpoint and the metrics show it.
 *
 * @param id camera id
 * @param url its RTSP URL without credentials
 * @param state {@link RecorderState} name
 * @param connected an RTSP session is playing
 * @param recording segments are being cut (connected, and not stopped by the cloud)
 * @param lastSegmentKey object key of the last segment stored, or null
 * @param lastSegmentStart its start, epoch ms (0: none)
 * @param bitrateKbps received media bitrate of the current session, kbit/s
 * @param reconnects sessions that ended and were started again
 * @param segmentsUploaded segments stored since the gateway started
 * @param spoolBytes bytes waiting in the spool
 * @param packetsLost RTP packets lost since the gateway started
 * @param note what is not recorded and why (e.g. audio the SDK cannot take yet), or null
 * @param lastError why the last session ended or failed, or null
 * @param nextAttempt when the next connection attempt is due, epoch ms; 0 while none is pending
 */
public record RecorderStatus(String id, String url, String state, boolean connected, boolean recording,
    String lastSegmentKey, long lastSegmentStart, long bitrateKbps, long reconnects, long segmentsUploaded,
    long spoolBytes, long packetsLost, String note, String lastError, long nextAttempt) {

  /**
   * One line: {@code cam-1 STREAMING 1834 kbit/s | 12 segments, last 08:41:07Z | 0 reconnects | 0 lost | spool 0.0 MB}
   * and the note and last error when there are.
   */
  public String line() {
    String last = lastSegmentStart == 0 ? "" : ", last " + DateTimeFormatter.ISO_LOCAL_TIME.format(
        Instant.ofEpochMilli(lastSegmentStart / 1000 * 1000).atOffset(ZoneOffset.UTC)) + "Z";
    long retryIn = Math.max(0, (nextAttempt - System.currentTimeMillis() + 999) / 1000);
    return String.format("%s %s %d kbit/s | %d segments%s | %d reconnects | %d lost | spool %.1f MB%s%s%s", id, state,
        bitrateKbps, segmentsUploaded, last, reconnects, packetsLost, spoolBytes / 1e6,
        note == null ? "" : " | " + note, lastError == null ? "" : " | last error: " + lastError,
        nextAttempt == 0 ? "" : " | next attempt in " + retryIn + " s");
  }
}
