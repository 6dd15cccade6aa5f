package io.ipchls.gateway.record;

/** The camera offers nothing this gateway (or its SDK) can record; retrying soon would not help. */
final class UnsupportedMediaException extends Exception {
  UnsupportedMediaException(String message) {
    super(message);
  }
}
