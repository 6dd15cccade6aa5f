package io.ipchls.credential.auth;

import java.util.List;
import java.util.Set;

/**
 * Names no camera may have: the services' MQTT client ids ({@code credential-<uuid>}, {@code credential-ops-<uuid>},
 * {@code ingest-<instanceId>}, {@code ingest-<instanceId>-2}, {@code ...-control}, ingest's callbacks client) and
 * broker accounts. A camera connects with its id as client id, and an MQTT broker hands a client id's session to its
 * newest connection, so a camera named like a service could take over that service's persistent session (and its
 * unacknowledged messages). Refused at registration (400 {@code reserved_id}) and at connect (reason
 * {@code reserved_id}), whatever a row already in the registry says. Camera ids are lower-case
 * ({@link io.ipchls.protocol.CameraIds}), so {@code $}-names and upper-case names cannot be camera ids anyway.
 */
public final class ReservedIds {
  /** A camera id equal to or starting with one of these is reserved. */
  public static final List<String> PREFIXES = List.of("credential", "ingest", "playlist", "ipchls");

  private final Set<String> serviceAccounts;

  /** @param serviceAccounts the configured broker accounts of the services, reserved as exact names */
  public ReservedIds(Set<String> serviceAccounts) {
    this.serviceAccounts = Set.copyOf(serviceAccounts);
  }

  public boolean isReserved(String cameraId) {
    if (cameraId == null) return false;
    if (serviceAccounts.contains(cameraId)) return true;
    for (String p : PREFIXES) {
      if (cameraId.startsWith(p)) return true;
    }
    return false;
  }

  /**
   * Account ids a new account may not take: the services' prefixes (an account named like a service would read as
   * one in logs, audit rows and the ops view) and words that name a caller or no account at all.
   */
  public static final List<String> ACCOUNT_WORDS = List.of("admin", "operator", "all", "none", "default");

  /** Whether an account id is reserved: one of {@link #ACCOUNT_WORDS}, or starting with one of {@link #PREFIXES}. */
  public static boolean isReservedAccount(String accountId) {
    if (accountId == null) return false;
    if (ACCOUNT_WORDS.contains(accountId)) return true;
    for (String p : PREFIXES) {
      if (accountId.startsWith(p)) return true;
    }
    return false;
  }

  /** For messages: which account ids are reserved. */
  public static String accountRule() {
    return "account ids may not start with " + String.join(", ", PREFIXES) + " or be one of "
        + String.join(", ", ACCOUNT_WORDS);
  }

  /** For messages: what is reserved. */
  public static String rule() {
    return "camera ids may not start with " + String.join(", ", PREFIXES) + " or equal a service account";
  }
}
