package io.ipchls.infra;

import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by its chromedriver, the way the browser tests and the latency benchmark use
 * it: media may autoplay, audio is decoded but muted, the window is 1280×900 unless an argument says otherwise.
 * Selenium is a dependency of the modules that call this (test scope), not of the product.
 */
public final class HeadlessChromium {
  private HeadlessChromium() {}

  /**
   * A browser found through {@link TestTools} (a missing chromium or chromedriver fails the test in CI), with these
   * extra Chromium arguments.
   */
  public static ChromeDriver start(String... extraArguments) {
    return start(TestTools.require("chromium"), TestTools.require("chromedriver"), extraArguments);
  }

  /** A browser from these executables, with these extra Chromium arguments (later ones win). */
  public static ChromeDriver start(Path chromium, Path chromedriver, String... extraArguments) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--window-size=1280,900");
    options.addArguments(extraArguments);
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort().build(), options);
  }
}
