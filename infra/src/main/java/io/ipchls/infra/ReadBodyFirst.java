package io.ipchls.infra;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.EnumSet;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.shaded.org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.gaul.shaded.org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.gaul.shaded.org.eclipse.jetty.server.Server;

/**
 * Reads a request's whole body before S3Proxy handles the request, so that a refused PUT reaches the client as its
 * 403 and not as a cut connection.
 *
 * <p>Why: S3Proxy's servlet takes the request's input stream before it authenticates, and Jetty answers a client's
 * {@code Expect: 100-continue} at that moment; the client (the AWS SDK sends the expectation for PutObject and
 * UploadPart bodies from 1 MiB) then sends the body. When S3Proxy refuses (unknown key, bad signature, a grant's
 * AccessDenied) it writes and closes the 403 without reading the body, and Jetty, finding the body unread when the
 * response completes, closes the connection. The client, still writing, sees "Error writing request body" or
 * "Unexpected end of file" instead of the 403: 17 to 19 refusals in 20 with 2 MiB bodies over the JDK's URL
 * connection client. Reading the rest after S3Proxy has answered does not help (the response is already complete and
 * the connection marked for closing). Real S3 answers the expectation with the refusal, so the body is never sent;
 * reading it first gives the client the same answer, for the cost of holding one body in memory per request.
 */
final class ReadBodyFirst implements Filter {
  /** More than any segment we upload; a larger body streams through as before (and a refusal of it may be cut). */
  static final long MAX_BODY_BYTES = 64L << 20;

  /**
   * Installs the filter in front of S3Proxy's servlet. S3Proxy does not expose its Jetty server, so this reads its
   * private field (S3Proxy's version is pinned in the root pom; a start fails loudly if the field goes away).
   */
  static void install(S3Proxy proxy) {
    try {
      Field field = S3Proxy.class.getDeclaredField("server");
      field.setAccessible(true);
      ServletContextHandler context = ((Server) field.get(proxy)).getDescendant(ServletContextHandler.class);
      context.addFilter(new FilterHolder(new ReadBodyFirst()), "/*", EnumSet.of(DispatcherType.REQUEST));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot install ReadBodyFirst in S3Proxy", e);
    }
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    long length = request.getContentLengthLong();
    if (length <= 0 || length > MAX_BODY_BYTES) {
      chain.doFilter(request, response);
      return;
    }
    byte[] body = request.getInputStream().readNBytes((int) length);
    chain.doFilter(new ReadRequest((HttpServletRequest) request, body), response);
  }

  /** The request with its body already in memory. */
  private static final class ReadRequest extends HttpServletRequestWrapper {
    private final ServletInputStream in;

    ReadRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.in = new BodyStream(new ByteArrayInputStream(body));
    }

    @Override
    public ServletInputStream getInputStream() {
      return in;
    }
  }

  private static final class BodyStream extends ServletInputStream {
    private final ByteArrayInputStream bytes;

    BodyStream(ByteArrayInputStream bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return bytes.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return bytes.read(b, off, len);
    }

    @Override
    public boolean isFinished() {
      return bytes.available() == 0;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setReadListener(ReadListener listener) {
      throw new UnsupportedOperationException("S3Proxy reads bodies blocking");
    }
  }
}
