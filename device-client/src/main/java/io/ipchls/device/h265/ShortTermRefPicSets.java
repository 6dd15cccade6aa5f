package io.ipchls.device.h265;

import io.ipchls.device.h264.BitReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads past the st_ref_pic_set(i) structures of an SPS, ITU-T H.265 §7.3.7. Their length depends on earlier sets
 * (inter RPS prediction copies a previous set's pictures), so the delta POCs of each set are derived per
 * (7-61)/(7-62) and kept until the last set is read.
 */
final class ShortTermRefPicSets {
  /** Each list has 0..16 entries, §7.4.8. */
  private static final int MAX_PICS = 16;

  private ShortTermRefPicSets() {}

  /** Skips {@code count} st_ref_pic_set(i) in an SPS. */
  static void skip(BitReader r, int count) {
    List<int[]> sets = new ArrayList<>(count); // per set: DeltaPocS0[] then DeltaPocS1[] (negatives, then positives)
    for (int i = 0; i < count; i++) sets.add(read(r, i, sets));
  }

  private static int[] read(BitReader r, int idx, List<int[]> previous) {
    boolean interRpsPred = idx != 0 && r.flag(); // inter_ref_pic_set_prediction_flag
    if (!interRpsPred) {
      int negatives = r.ue(); // num_negative_pics
      int positives = r.ue(); // num_positive_pics
      if (negatives > MAX_PICS || positives > MAX_PICS) throw new IllegalArgumentException("short-term RPS too large");
      int[] deltas = new int[negatives + positives];
      int poc = 0;
      for (int i = 0; i < negatives; i++) {
        poc -= r.ue() + 1; // delta_poc_s0_minus1
        r.flag(); // used_by_curr_pic_s0_flag
        deltas[i] = poc;
      }
      poc = 0;
      for (int i = 0; i < positives; i++) {
        poc += r.ue() + 1; // delta_poc_s1_minus1
        r.flag(); // used_by_curr_pic_s1_flag
        deltas[negatives + i] = poc;
      }
      return deltas;
    }
    // In an SPS delta_idx_minus1 is absent (inferred 0): the reference set is the one just before, (7-59).
    int[] ref = previous.get(idx - 1);
    int sign = r.u(1); // delta_rps_sign
    int absDelta = r.ue() + 1; // abs_delta_rps_minus1
    int deltaRps = (1 - 2 * sign) * absDelta; // (7-60)
    List<Integer> negatives = new ArrayList<>();
    List<Integer> positives = new ArrayList<>();
    for (int j = 0; j <= ref.length; j++) {
      boolean used = r.flag(); // used_by_curr_pic_flag[j]
      boolean useDelta = used || r.flag(); // use_delta_flag[j], inferred 1 when absent
      int dPoc = (j < ref.length ? ref[j] : 0) + deltaRps;
      if (!useDelta || dPoc == 0) continue;
      (dPoc < 0 ? negatives : positives).add(dPoc);
    }
    if (negatives.size() > MAX_PICS || positives.size() > MAX_PICS) {
      throw new IllegalArgumentException("short-term RPS too large");
    }
    negatives.sort((a, b) -> Integer.compare(b, a)); // S0: closest first, as (7-61) orders them
    positives.sort(Integer::compare); // S1: closest first, (7-62)
    int[] deltas = new int[negatives.size() + positives.size()];
    for (int i = 0; i < negatives.size(); i++) deltas[i] = negatives.get(i);
    for (int i = 0; i < positives.size(); i++) deltas[negatives.size() + i] = positives.get(i);
    return deltas;
  }
}
