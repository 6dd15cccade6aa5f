package io.ipchls.infra;

import java.nio.file.Files;

/**
 * Started in a JVM of its own by {@link SharedStackCleanupTest}: starts the shared test stack, says where it lives
 * and whether PostgreSQL wrote there, and ends the way a test JVM ends: {@code System.exit(0)}, shutdown hooks run.
 */
public final class SharedStackExitMain {
  static final String DIR = "stack-dir=";
  static final String POSTGRES_WROTE = "postgres-wrote=";

  private SharedStackExitMain() {}

  public static void main(String[] args) {
    LocalStack stack = LocalStack.sharedForTests();
    System.out.println(DIR + stack.options().dir());
    System.out.println(POSTGRES_WROTE + Files.isRegularFile(stack.options().dir().resolve("postgres/PG_VERSION")));
    System.out.flush();
    // a test JVM ends this way too (surefire's forked booter): the servers' threads keep it alive otherwise
    System.exit(0);
  }
}
