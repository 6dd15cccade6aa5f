package io.ipchls.bench.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --no-pass-through} skips the broker-alone run. The option used to be declared as {@code --pass-through},
 * negatable, on a field that defaults to true: picocli then sets the default (true) for the negated form, so
 * {@code --no-pass-through} still measured the broker alone.
 */
class IngestThroughputOptionsTest {
  @Test
  void noPassThrough_skipsTheBrokerAloneRun_andItRunsByDefault() {
    assertTrue(parse().passThrough, "by default");
    assertFalse(parse("--no-pass-through").passThrough);
    assertTrue(parse("--pass-through").passThrough);
  }

  private static IngestThroughput parse(String... args) {
    IngestThroughput options = new IngestThroughput();
    new CommandLine(options).parseArgs(args);
    return options;
  }
}
