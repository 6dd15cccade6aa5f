package io.ipchls.playlist.http;

/**
 * One byte range of a representation {@code length} bytes long, [first, last] inclusive, from a {@code Range}
 * header (RFC 9110 §14.1.2: {@code bytes=first-last}, {@code bytes=first-}, {@code bytes=-suffixLength}).
 */
record ByteRange(long first, long last) {
  /** A {@code Range} header that no byte of the representation satisfies: answered 416 (RFC 9110 §15.5.17). */
  static final class Unsatisfiable extends RuntimeException {
    Unsatisfiable(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The range a {@code Range} header asks for, or null to send the whole representation: no header, not a
   * {@code bytes} range, syntactically invalid, or several ranges (RFC 9110 §14.2 lets a server ignore the header,
   * and a single 200 is simpler for every client than multipart/byteranges).
   *
   * @throws Unsatisfiable if the range starts at or after the end, or is an empty suffix
   */
  static ByteRange parse(String header, long length) {
    if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) return null;
    String spec = header.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) return null;
    try {
      if (dash == 0) { // suffix-byte-range-spec
        long n = Long.parseLong(spec.substring(1));
        if (n <= 0) throw new Unsatisfiable("an empty suffix range");
        return new ByteRange(Math.max(0, length - n), length - 1);
      }
      long first = Long.parseLong(spec.substring(0, dash));
      long last = dash == spec.length() - 1 ? length - 1 : Long.parseLong(spec.substring(dash + 1));
      if (first < 0 || (dash < spec.length() - 1 && last < first)) return null; // invalid: ignored, §14.2
      if (first >= length) throw new Unsatisfiable("the range starts at byte " + first + " of " + length);
      return new ByteRange(first, Math.min(last, length - 1));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  long length() {
    return last - first + 1;
  }

  /** The {@code Content-Range} value of a 206, §14.4. */
  String contentRange(long total) {
    return "bytes " + first + "-" + last + "/" + total;
  }
}
