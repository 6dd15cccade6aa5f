package io.ipchls.device.h264;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.device.segment.Frame;
import io.ipchls.device.sim.SimulatedCamera;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessUnitSplitterTest {
  @Test
  void annexBStream_fedInOddChunks_splitsIntoTheEncodersAccessUnits() {
    List<Frame> frames = new ArrayList<>();
    new SimulatedCamera(/* width= */ 160, /* height= */ 96, /* fps= */ 10, /* keyFrameInterval= */ 5,
        "au", frames::add).generate(12);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    frames.forEach(f -> stream.writeBytes(AnnexB.join(f.nals())));
    byte[] bytes = stream.toByteArray();

    AnnexBReader reader = new AnnexBReader();
    AccessUnitSplitter splitter = new AccessUnitSplitter();
    List<List<byte[]>> units = new ArrayList<>();
    for (int pos = 0, chunk = 1; pos < bytes.length; pos += chunk, chunk = chunk * 3 % 1000 + 7) {
      for (byte[] nal : reader.feed(bytes, pos, Math.min(chunk, bytes.length - pos))) {
        List<byte[]> au = splitter.add(nal);
        if (au != null) units.add(au);
      }
    }
    for (byte[] nal : reader.flush()) {
      List<byte[]> au = splitter.add(nal);
      if (au != null) units.add(au);
    }
    units.add(splitter.flush());

    assertEquals(frames.size(), units.size());
    for (int i = 0; i < frames.size(); i++) {
      assertEquals(frames.get(i).nals().size(), units.get(i).size(), "access unit " + i);
      for (int k = 0; k < units.get(i).size(); k++) assertArrayEquals(frames.get(i).nals().get(k), units.get(i).get(k));
    }
  }
}
