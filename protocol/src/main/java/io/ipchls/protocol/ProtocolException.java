package io.ipchls.protocol;

/** A message that breaks the contract; the message is a reason fit to log and to send back. */
public class ProtocolException extends RuntimeException {
  public ProtocolException(String reason) {
    super(reason);
  }
}
