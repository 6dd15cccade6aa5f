package io.ipchls.playlist.http;

import io.ipchls.infra.TestTools;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by its chromedriver (both found through {@link TestTools}: a missing one fails
 * the test in CI), the way the player's browser tests use it: media may autoplay, audio is decoded but muted.
 */
final class HeadlessChromium {
  private HeadlessChromium() {}

  /** A browser whose window is 1280×900. */
  static ChromeDriver start() {
    return start("--window-size=1280,900");
  }

  /** A browser with these extra Chromium arguments. */
  static ChromeDriver start(String... extraArguments) {
    Path chromium = TestTools.require("chromium");
    Path chromedriver = TestTools.require("chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--autoplay-policy=no-user-gesture-required", "--mute-audio");
    options.addArguments(extraArguments);
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort().build(), options);
  }
}
