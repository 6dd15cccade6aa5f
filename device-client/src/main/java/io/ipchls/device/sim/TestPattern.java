package io.ipchls.device.sim;

import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Draws the simulated camera's picture with Java2D (headless): a fixed gradient with colour bars, a box moving
 * across it and the current UTC time, so a viewer can tell live from replay and see the latency.
 */
final class TestPattern {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);
  private static final Color[] BARS = {
    Color.WHITE, Color.YELLOW, Color.CYAN, Color.GREEN, Color.MAGENTA, Color.RED, Color.BLUE
  };
  /** The background runs from dark blue at the top left to pale grey-blue at the bottom right. */
  private static final Color GRADIENT_TOP_LEFT = new Color(20, 40, 90);
  private static final Color GRADIENT_BOTTOM_RIGHT = new Color(200, 210, 230);

  private final int width;
  private final int height;
  private final String label;
  private final BufferedImage background;
  private final BufferedImage frame;
  private final Font font;

  TestPattern(int width, int height, String label) {
    this.width = width;
    this.height = height;
    this.label = label;
    this.background = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    this.frame = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    this.font = new Font(Font.MONOSPACED, Font.BOLD, Math.max(10, height / 16));
    drawBackground();
  }

  /** Renders frame number {@code index} showing {@code wallClockMs}; the returned image is reused. */
  BufferedImage render(long index, long wallClockMs) {
    Graphics2D g = frame.createGraphics();
    try {
      g.drawImage(background, /* x= */ 0, /* y= */ 0, /* observer= */ null);
      int box = height / 4;
      int span = Math.max(1, width - box);
      long x = (index * 4) % (2L * span);
      int bx = (int) (x < span ? x : 2 * span - x); // bounce left and right
      g.setColor(Color.ORANGE);
      g.fillRect(bx, height / 2 - box / 2, box, box);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(font);
      int line = font.getSize() + 4;
      g.setColor(Color.BLACK);
      g.fillRect(0, height - 2 * line - 6, width, 2 * line + 6);
      g.setColor(Color.WHITE);
      g.drawString(CLOCK.format(Instant.ofEpochMilli(wallClockMs)), 8, height - line - 4);
      g.drawString(label + "  #" + index, 8, height - 6);
    } finally {
      g.dispose();
    }
    return frame;
  }

  private void drawBackground() {
    Graphics2D g = background.createGraphics();
    try {
      g.setPaint(new GradientPaint(/* x1= */ 0, /* y1= */ 0, GRADIENT_TOP_LEFT, width, height, GRADIENT_BOTTOM_RIGHT));
      g.fillRect(/* x= */ 0, /* y= */ 0, width, height);
      int barWidth = width / BARS.length;
      for (int i = 0; i < BARS.length; i++) {
        g.setColor(BARS[i]);
        g.fillRect(i * barWidth, 0, barWidth, height / 6);
      }
    } finally {
      g.dispose();
    }
  }
}
