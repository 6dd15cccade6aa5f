package io.ipchls.gateway.rtsp;

/** A camera's user name and password; {@link #toString()} never shows the password. */
public record Credentials(String user, String password) {
  public Credentials {
    if (user == null || user.isEmpty()) throw new IllegalArgumentException("camera user name is empty");
    if (password == null) password = "";
  }

  @Override
  public String toString() {
    return "Credentials[user=" + user + "]";
  }
}
