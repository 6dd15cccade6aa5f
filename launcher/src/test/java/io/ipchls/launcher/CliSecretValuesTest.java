package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Secrets given as option values may start with a dash: the generated ones are base64url (one in 64 starts with
 * "-"), so an admin token such as "-hQ3..." must be taken as the value of {@code --admin-token}, not as options.
 * Found when {@code EndToEndTest}'s viewer-token run failed with picocli's usage error for such a token.
 */
class CliSecretValuesTest {
  @Test
  void aTokenStartingWithADash_isTheOptionsValue() {
    for (String token : new String[] {"-hQ3x9vJ2_KdLmN0pR5sT7uW1yZ4aB6c", "-V1b2c3", "--not-an-option"}) {
      // nothing listens on port 1: the command gets as far as calling the service and fails there, not in parsing
      CliRun run = CliRun.of("viewer-token", "--camera", "cam-1", "--ttl", "60", "--url", "http://127.0.0.1:1",
          "--admin-token", token);
      assertTrue(run.exit() != 0, "port 1 answers nothing: " + run);
      assertEquals(-1, run.err().indexOf("Missing required parameter"), token + ": " + run.err());
      assertEquals(-1, run.err().indexOf("Unknown option"), token + ": " + run.err());
      assertTrue(run.exit() != 2, token + " was parsed as options (exit 2, usage): " + run.err());
    }
  }
}
