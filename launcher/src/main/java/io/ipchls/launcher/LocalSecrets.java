package io.ipchls.launcher;

import io.ipchls.credential.auth.Secrets;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The local stack's own secrets (S3 root key pair, service account passwords, admin token, the signing key of viewer
 * tokens, the master key webhook signing secrets are derived from), generated once and kept in
 * {@code <data>/secrets.json} readable only by the owner, so a restart keeps working with the stored data. A file from an older version gets the secrets it lacks added. Nothing here is ever
 * logged.
 */
public record LocalSecrets(
    String s3AccessKeyId, String s3SecretAccessKey, String credentialPassword, String ingestPassword,
    String adminToken, String viewerJwtSecret, String callbacksMasterKey) {
  public static LocalSecrets loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve("secrets.json");
    try {
      if (Files.exists(file)) {
        JsonObject j = new JsonObject(Files.readString(file));
        LocalSecrets s = new LocalSecrets(j.getString("s3AccessKeyId"), j.getString("s3SecretAccessKey"),
            j.getString("credentialPassword"), j.getString("ingestPassword"), j.getString("adminToken"),
            orNew(j.getString("viewerJwtSecret")), orNew(j.getString("callbacksMasterKey")));
        if (!s.viewerJwtSecret.equals(j.getString("viewerJwtSecret"))
            || !s.callbacksMasterKey.equals(j.getString("callbacksMasterKey"))) {
          write(dataDir, file, s);
        }
        return s;
      }
      LocalSecrets s = new LocalSecrets("LOCALROOT" + Secrets.upperAlnum(11), Secrets.base64Url(30),
          Secrets.base64Url(24), Secrets.base64Url(24), Secrets.base64Url(24), Secrets.base64Url(32),
          Secrets.base64Url(32));
      write(dataDir, file, s);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  /** A secret an older file lacks: generated now (256 bits). */
  private static String orNew(String stored) {
    return stored != null ? stored : Secrets.base64Url(32);
  }

  private static void write(Path dataDir, Path file, LocalSecrets s) throws IOException {
    Files.createDirectories(dataDir);
    Path tmp = dataDir.resolve("secrets.json.tmp");
    Files.writeString(tmp, new JsonObject().put("s3AccessKeyId", s.s3AccessKeyId)
        .put("s3SecretAccessKey", s.s3SecretAccessKey).put("credentialPassword", s.credentialPassword)
        .put("ingestPassword", s.ingestPassword).put("adminToken", s.adminToken)
        .put("viewerJwtSecret", s.viewerJwtSecret).put("callbacksMasterKey", s.callbacksMasterKey).encodePrettily());
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system; the data directory's own permissions apply
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public String toString() {
    return "LocalSecrets[***]";
  }
}
