package io.ipchls.protocol;

/**
 * The request on {@link ClusterNames#BROKER_AUTHENTICATE}: one CONNECT a broker wants decided. {@code password} is
 * the CONNECT password as UTF-8 text and is never printed. {@code sourceAddress} is the client's IP address as text
 * (absent from brokers that do not say; failed logins are then throttled per camera id only).
 */
public record BrokerLoginRequest(String clientId, String username, String password, String sourceAddress) {

  public BrokerLoginRequest(String clientId, String username, String password) {
    this(clientId, username, password, null);
  }

  /** Throws when a field the decision needs is missing (a sender of another version, or a bug). */
  public BrokerLoginRequest requireComplete() {
    if (clientId == null) throw new ProtocolException("no clientId");
    if (username == null || username.isEmpty()) throw new ProtocolException("no username");
    if (password == null) throw new ProtocolException("no password");
    return this;
  }

  @Override
  public String toString() {
    return "BrokerLoginRequest[clientId=" + clientId + ", username=" + username + ", sourceAddress=" + sourceAddress
        + "]";
  }
}
