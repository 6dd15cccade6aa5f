package io.ipchls.playlist.auth;

import io.ipchls.kit.http.ApiException;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The cameras one request may see: all of them (open mode, or a "*" token), the token's list, or (an account token,
 * issue 19 item 2) the cameras that belong to the token's account at the time of the request.
 *
 * @param account the account of an account token, else null
 */
public record ViewerScope(boolean all, Set<String> cameras, String account) implements Predicate<String> {
  public static final ViewerScope OPEN = new ViewerScope(true, Set.of(), null);

  /** A token's own list of cameras ("*" among them: all). */
  public static ViewerScope ofCameras(Set<String> cameras) {
    return new ViewerScope(cameras.contains(ViewerTokens.ALL_CAMERAS), Set.copyOf(cameras), null);
  }

  /** An account token's scope before its cameras are known ({@link #withAccountCameras}). */
  static ViewerScope ofAccount(String account) {
    return new ViewerScope(false, Set.of(), account);
  }

  /** This account scope with the cameras that belong to the account now. */
  ViewerScope withAccountCameras(Set<String> accountCameras) {
    return new ViewerScope(false, Set.copyOf(accountCameras), account);
  }

  @Override
  public boolean test(String cameraId) {
    return all || cameras.contains(cameraId);
  }

  /** @throws ApiException 403 when the camera is not covered */
  public void require(String cameraId) {
    if (test(cameraId)) return;
    throw ApiException.forbidden(account == null ? "the viewer token does not cover camera " + cameraId
        : "camera " + cameraId + " is not in the viewer token's account " + account);
  }
}
