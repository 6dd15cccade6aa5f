package io.ipchls.ingest;

import io.ipchls.kit.ServiceMain;

/** Runs ingest-service alone on a clustered Vert.x: {@code java io.ipchls.ingest.Main [config.json]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run("ingest-service", args, IngestConfig.defaults(), IngestConfig::fromJson, IngestService::deploy);
  }
}
