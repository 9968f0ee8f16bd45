package cloud.luoyun.osmanager.agent.wire;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class FrameReaderPropertiesTest {

  @Property(tries = 1000)
  void arbitraryBytesEndInFramesACleanEndOrAnIoExceptionNeverAnythingElse(@ForAll @Size(max = 200) byte[] bytes) {
    FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes));
    try {
      while (reader.read() != null) {
        // keep reading
      }
    } catch (IOException expected) {
      // ProtocolException or EOFException: both are IOExceptions, handled as a dropped session
    }
  }
}
