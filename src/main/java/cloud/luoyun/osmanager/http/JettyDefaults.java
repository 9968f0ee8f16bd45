package cloud.luoyun.osmanager.http;

/**
 * System properties Jetty reads when its classes load. Call before any Jetty class is touched (the
 * CLI does it first thing; the web services call it again, harmlessly). Without
 * {@code referencesPerCacheLine}, Jetty 12.1 asks the JVM through JMX, which starts the platform
 * MBean server (a few MiB and some milliseconds) for a number we know: 16 with compressed
 * references (every heap under 32 GiB), 8 without. An explicit setting by the operator is kept.
 */
public final class JettyDefaults {
  private static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

  private JettyDefaults() {}

  public static void prepare() {
    if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null) {
      boolean compressedOops = Runtime.getRuntime().maxMemory() < 32L * 1024 * 1024 * 1024;
      System.setProperty(REFERENCES_PER_CACHE_LINE, compressedOops ? "16" : "8");
    }
  }
}
