package io.ipchls.playlist.auth;

import io.ipchls.kit.http.ApiException;
import java.util.Set;
import java.util.function.Predicate;

/** The cameras one request may see: all of them (open mode, or a "*" token) or the token's list. */
public record ViewerScope(boolean all, Set<String> cameras) implements Predicate<String> {
  public static final ViewerScope OPEN = new ViewerScope(true, Set.of());

  @Override
  public boolean test(String cameraId) {
    return all || cameras.contains(cameraId);
  }

  /** @throws ApiException 403 when the camera is not covered */
  public void require(String cameraId) {
    if (!test(cameraId)) throw ApiException.forbidden("the viewer token does not cover camera " + cameraId);
  }
}
