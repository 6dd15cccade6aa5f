package io.ipchls.ingest.control;

import io.ipchls.kit.http.ApiException;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.StorageTier;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * How a template's cameras record, each null when the template leaves it to the camera: {@code mode}
 * ({@value CameraCommand#MODE_CONTINUOUS} or {@value CameraCommand#MODE_EVENT}), {@code preRollSeconds} and
 * {@code postRollSeconds} for event mode, and the storage plan {@code tier} ({@link StorageTier}). The start command
 * carries them to the camera ({@link CameraCommand}).
 */
record TemplateRecording(String mode, Integer preRollSeconds, Integer postRollSeconds, String tier) {
  static final TemplateRecording NONE = new TemplateRecording(null, null, null, null);
  /** The columns, in {@code record_templates} and {@code task_spans} alike. */
  static final String COLUMNS = "mode, pre_roll_seconds, post_roll_seconds, tier";

  /** From a template body; a bad value is a 400 with its own code. */
  static TemplateRecording from(JsonObject b) {
    Object mode = b.getValue("mode");
    if (mode != null && !CameraCommand.MODE_CONTINUOUS.equals(mode) && !CameraCommand.MODE_EVENT.equals(mode)) {
      throw ApiException.badRequest("bad_mode", "mode must be \"continuous\" or \"event\" (or absent: each camera "
          + "keeps its own)");
    }
    Integer pre = optionalInt(b, "preRollSeconds", 0, CameraCommand.MAX_PRE_ROLL_SECONDS, "bad_pre_roll");
    Integer post = optionalInt(b, "postRollSeconds", 1, CameraCommand.MAX_POST_ROLL_SECONDS, "bad_post_roll");
    Object tier = b.getValue("tier");
    if (tier != null && !(tier instanceof String t && StorageTier.fromWireName(t).isPresent())) {
      throw ApiException.badRequest("bad_tier", "tier must be " + StorageTier.wireNames() + " (or absent)");
    }
    return new TemplateRecording((String) mode, pre, post, (String) tier);
  }

  static TemplateRecording from(Row r) {
    return new TemplateRecording(r.getString("mode"), r.getInteger("pre_roll_seconds"),
        r.getInteger("post_roll_seconds"), r.getString("tier"));
  }

  /** Appends the four values to a query's parameters, in {@link #COLUMNS} order. */
  Tuple addTo(Tuple t) {
    return t.addString(mode).addInteger(preRollSeconds).addInteger(postRollSeconds).addString(tier);
  }

  /** The fields of the template's JSON (nulls left out by the writer). */
  JsonObject putInto(JsonObject o) {
    return o.put("mode", mode).put("preRollSeconds", preRollSeconds).put("postRollSeconds", postRollSeconds)
        .put("tier", tier);
  }

  /** A task's start command with these settings. */
  CameraCommand startCommand(String taskId, int segmentSeconds, String keyPrefix, String container) {
    return new CameraCommand(CameraCommand.VERSION, CameraCommand.START_RECORDING, segmentSeconds, taskId, keyPrefix,
        container, mode, preRollSeconds, postRollSeconds, tier, null);
  }

  private static Integer optionalInt(JsonObject b, String key, int min, int max, String code) {
    Object v = b.getValue(key);
    if (v == null) return null;
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min
        || ((Number) v).longValue() > max) {
      throw ApiException.badRequest(code, key + " must be an integer in " + min + ".." + max);
    }
    return ((Number) v).intValue();
  }
}
