package io.ipchls.credential;

import io.ipchls.kit.ServiceMain;

/** Runs credential-service alone on a clustered Vert.x: {@code java io.ipchls.credential.Main [config.json]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run("credential-service", args, CredentialConfig.defaults(), CredentialConfig::fromJson, CredentialService::deploy);
  }
}
