package io.ipchls.credential.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.credential.CredentialConfig.AuthSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code infra/samples/emqx-auth.conf} (EMQX cannot run here) against what {@link BrokerHookApi} serves: the URLs,
 * the secret header, and the JSON fields EMQX will send. {@code BrokerHookApiTest} sends those bodies to the service.
 */
class EmqxSampleTest {
  private static final Path SAMPLE = Path.of("..", "infra", "samples", "emqx-auth.conf");

  @Test
  void emqxSample_callsTheHookEndpointsWithTheirSecretHeaderAndFields() throws Exception {
    String conf = Files.readString(SAMPLE);
    List<String> urls = all(conf, "url = \"http://credential-service:8081([^\"]+)\"");
    assertEquals(List.of(BrokerHookApi.AUTHENTICATE, BrokerHookApi.AUTHORIZE), urls);
    assertEquals(2, all(conf, "\"" + AuthSettings.BROKER_HOOK_HEADER + "\" = \"BROKER_HOOK_SECRET\"").size());
    List<String> bodies = all(conf, "(?s)body \\{(.*?)\\n\\s*}");
    assertEquals(Set.of("username", "password", "clientid", "peerhost"), fields(bodies.get(0)));
    assertEquals(Set.of("username", "clientid", "topic", "action"), fields(bodies.get(1)));
    assertTrue(conf.contains("no_match = deny"), "anything the service does not allow must be refused");
    assertTrue(conf.contains("max_packet_size = \"64KB\""), "the services' MQTT clients accept 64 KiB at most");
  }

  /** {@code name = "${name}"} lines: EMQX fills each placeholder with the field of the same name. */
  private static Set<String> fields(String body) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(\\w+) = \"\\$\\{(\\w+)}\"").matcher(body);
    while (m.find()) {
      assertEquals(m.group(1), m.group(2));
      names.add(m.group(1));
    }
    return names;
  }

  private static List<String> all(String text, String regex) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) found.add(m.groupCount() > 0 ? m.group(1) : m.group());
    return found;
  }
}
