package io.ipchls.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** A random password kept in a file readable by its owner only. */
final class LocalPassword {
  private static final SecureRandom RANDOM = new SecureRandom();

  private LocalPassword() {}

  /** 192 random bits, base64url (no character that needs quoting in SQL or a URL). */
  static String generate() {
    byte[] raw = new byte[24];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  static String read(Path file) throws IOException {
    String stored = Files.readString(file, StandardCharsets.US_ASCII).trim();
    if (stored.isEmpty()) throw new IOException(file + " is empty");
    return stored;
  }

  /** Writes {@code password} to {@code file}, created owner read/write only (0600) before the password goes in. */
  static void write(Path file, String password) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp); // not a POSIX file system: the directory's own permissions apply
    }
    Files.writeString(tmp, password + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
