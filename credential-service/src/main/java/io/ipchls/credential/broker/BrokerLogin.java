package io.ipchls.credential.broker;

import io.vertx.core.json.JsonObject;

/** The body of a {@code BROKER_AUTHENTICATE} request. {@code password} is never printed. */
record BrokerLogin(String clientId, String username, String password) {
  static BrokerLogin from(JsonObject body) {
    if (body == null) throw new IllegalArgumentException("no body");
    if (!(body.getValue("clientId") instanceof String clientId)) throw new IllegalArgumentException("no clientId");
    if (!(body.getValue("username") instanceof String username) || username.isEmpty()) {
      throw new IllegalArgumentException("no username");
    }
    if (!(body.getValue("password") instanceof String password)) throw new IllegalArgumentException("no password");
    return new BrokerLogin(clientId, username, password);
  }

  @Override
  public String toString() {
    return "BrokerLogin[clientId=" + clientId + ", username=" + username + "]";
  }
}
