package io.ipchls.protocol;

/**
 * Where recordings are stored unless configured otherwise, shared by the services' {@code s3} and {@code db} settings,
 * the embedded servers and the camera SDK. A credential response without a region means {@link #REGION}.
 */
public final class StorageDefaults {
  /** The region of a store that does not care (S3Proxy, MinIO) and of a credential response that names none. */
  public static final String REGION = "us-east-1";
  /** The bucket recordings go to unless configured otherwise. */
  public static final String BUCKET = "ipchls";
  /** The PostgreSQL database of the services, and the one the embedded server creates. */
  public static final String DATABASE = "ipchls";

  private StorageDefaults() {}

  /** {@code region}, or {@link #REGION} when it is null or blank. */
  public static String regionOrDefault(String region) {
    return region == null || region.isBlank() ? REGION : region;
  }
}
