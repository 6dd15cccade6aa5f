package io.ipchls.playlist;

import io.ipchls.kit.ServiceMain;

/** Runs playlist-service alone on a clustered Vert.x: {@code java io.ipchls.playlist.Main [config.json]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceMain.run("playlist-service", args, PlaylistConfig.defaults(), PlaylistConfig::fromJson, PlaylistService::deploy);
  }
}
