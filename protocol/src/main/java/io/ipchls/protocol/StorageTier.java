package io.ipchls.protocol;

import java.util.Arrays;
import java.util.Optional;

/**
 * A camera's storage plan: the S3 storage class its objects are written in and the {@value #PLAN_TAG} tag they
 * carry, so that a production bucket's lifecycle rules can move or expire them by plan (the anchor SDK's
 * {@code Set_Tag}). {@code archive} is S3 Glacier Instant Retrieval, not Glacier Flexible Retrieval: a recording must
 * still replay without a restore request.
 */
public enum StorageTier {
  STANDARD("standard", "STANDARD"),
  INFREQUENT("infrequent", "STANDARD_IA"),
  ARCHIVE("archive", "GLACIER_IR");

  /** Object tag naming the plan an object was written under. */
  public static final String PLAN_TAG = "ipchls-plan";
  /** Object tag naming what an object is: {@value #KIND_SEGMENT}, {@value #KIND_INIT} or {@value #KIND_THUMB}. */
  public static final String KIND_TAG = "ipchls-kind";
  public static final String KIND_SEGMENT = "segment";
  public static final String KIND_INIT = "init";
  public static final String KIND_THUMB = "thumb";

  private final String wireName;
  private final String storageClass;

  StorageTier(String wireName, String storageClass) {
    this.wireName = wireName;
    this.storageClass = storageClass;
  }

  /** The name in commands, settings and the {@value #PLAN_TAG} tag. */
  public String wireName() {
    return wireName;
  }

  /** The S3 storage class ({@code x-amz-storage-class}) objects of this plan are written in. */
  public String storageClass() {
    return storageClass;
  }

  /** The tier of a wire name, or empty for anything else. */
  public static Optional<StorageTier> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  /** The wire names, for messages: {@code standard|infrequent|archive}. */
  public static String wireNames() {
    return String.join("|", Arrays.stream(values()).map(StorageTier::wireName).toList());
  }
}
