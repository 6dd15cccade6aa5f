package io.ipchls.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The broker's in-flight window per session ({@link EmbeddedBroker#deliveryWindow()}): 1000 unless this JVM's
 * {@value EmbeddedBroker#DELIVERY_WINDOW_PROPERTY} says otherwise, and a value that is not a window stops the start
 * with a message that names the property, before anything listens.
 */
class EmbeddedBrokerDeliveryWindowTest {
  private final String before = System.getProperty(EmbeddedBroker.DELIVERY_WINDOW_PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) System.clearProperty(EmbeddedBroker.DELIVERY_WINDOW_PROPERTY);
    else System.setProperty(EmbeddedBroker.DELIVERY_WINDOW_PROPERTY, before);
  }

  @Test
  void unset_isTheDefault_andSetIsTaken() {
    System.clearProperty(EmbeddedBroker.DELIVERY_WINDOW_PROPERTY);
    assertEquals(1000, EmbeddedBroker.deliveryWindow());
    System.setProperty(EmbeddedBroker.DELIVERY_WINDOW_PROPERTY, " 50 ");
    assertEquals(50, EmbeddedBroker.deliveryWindow());
    System.setProperty(EmbeddedBroker.DELIVERY_WINDOW_PROPERTY, "65535");
    assertEquals(65_535, EmbeddedBroker.deliveryWindow());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-3", "65536", "99999999999", "many", "", "1e3"})
  void aValueThatIsNotAWindow_stopsTheStart_withTheProperty(String value) {
    System.setProperty(EmbeddedBroker.DELIVERY_WINDOW_PROPERTY, value);
    try (ScratchDir dir = ScratchDir.create("broker-window-")) {
      Path data = dir.path();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> EmbeddedBroker.start(BrokerOptions.local(data, BrokerAuth.allowAllAsService())).close());
      assertTrue(e.getMessage().contains(EmbeddedBroker.DELIVERY_WINDOW_PROPERTY)
          && e.getMessage().endsWith("not " + value), e.getMessage());
    }
  }
}
