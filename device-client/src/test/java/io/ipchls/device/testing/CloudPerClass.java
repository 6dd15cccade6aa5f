package io.ipchls.device.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestCloud} on the shared stack for the tests of a class: started before the first, closed after the last
 * (closing also takes its key lookup off the shared S3 server, so the next class starts clean). Register it as a
 * {@code static} field with {@code @RegisterExtension}.
 */
public final class CloudPerClass implements BeforeAllCallback, AfterAllCallback {
  private final int keyLifetimeSeconds;
  private TestCloud cloud;

  /** @param keyLifetimeSeconds how long the storage keys the cloud issues live */
  public CloudPerClass(int keyLifetimeSeconds) {
    this.keyLifetimeSeconds = keyLifetimeSeconds;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cloud = TestCloud.start(keyLifetimeSeconds);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cloud != null) cloud.close();
    cloud = null;
  }

  /** The running cloud; only between the class's first and last test. */
  public TestCloud get() {
    if (cloud == null) throw new IllegalStateException("the cloud runs only while the test class does");
    return cloud;
  }
}
