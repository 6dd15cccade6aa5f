package io.ipchls.device.sim;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A small JPEG of a picture for scrubbing previews: scaled to {@value #WIDTH} pixels wide (height in proportion, even)
 * with bilinear filtering, at quality {@value #QUALITY}: a 16:9 picture becomes 320x180 and a few KB. Uses the JDK's
 * ImageIO JPEG writer (baseline, 4:2:0), which every browser decodes.
 */
public final class JpegThumbnail {
  public static final int WIDTH = 320;
  static final float QUALITY = 0.6f;

  private JpegThumbnail() {}

  /** The picture as a {@value #WIDTH}-wide JPEG. */
  public static byte[] of(BufferedImage picture) {
    int height = Math.max(2, (int) Math.round(picture.getHeight() * (double) WIDTH / picture.getWidth()) & ~1);
    BufferedImage small = new BufferedImage(WIDTH, height, BufferedImage.TYPE_3BYTE_BGR);
    var g = small.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(picture, 0, 0, WIDTH, height, null);
    } finally {
      g.dispose();
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream(8 * 1024);
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(QUALITY);
      writer.setOutput(stream);
      writer.write(null, new IIOImage(small, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
