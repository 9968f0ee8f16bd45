package cloud.luoyun.osmanager.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The install layout under the top directory ({@code /LuoYun} on an instance, a temp dir in
 * tests). Everything under {@code custom/} belongs to the appliance builder; {@code state/} holds
 * osmanager's own small files (last applied TAG, pinned SSH host key, daemon status, the web
 * terminal's certificate and key).
 */
public record Home(Path dir) {
  public static final Path DEFAULT = Path.of("/LuoYun");
  /** The web terminal's own certificate and key, in {@link #stateDir()}. */
  public static final String TERMINAL_CERTIFICATE = "webssh-tls.crt";
  public static final String TERMINAL_KEY = "webssh-tls.key";

  public Path confDir() {
    return dir.resolve("conf");
  }

  public Path conf() {
    return confDir().resolve("luoyun.conf");
  }

  /**
   * The copy of the files configure read from another cloud's volume ({@code conf/nocloud},
   * {@code conf/configdrive}): folder 0700, files 0600 (they hold passwords). Present for the
   * source whose config the instance runs on, when it is not LuoYun's.
   */
  public Path seedCopy(InstanceSpec.Source source) {
    return confDir().resolve(source.id());
  }

  /**
   * Where the config the instance runs on came from: LuoYun when {@link #conf()} exists, else the
   * other cloud whose {@link #seedCopy} exists; empty when there is no config at all.
   */
  public Optional<InstanceSpec.Source> configSource() {
    for (InstanceSpec.Source s : InstanceSpec.Source.values()) {
      if (Files.exists(s == InstanceSpec.Source.LUOYUN ? conf() : seedCopy(s))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  public Path logDir() {
    return dir.resolve("log");
  }

  public Path buildDir() {
    return dir.resolve("build");
  }

  public Path versionFile() {
    return buildDir().resolve("VERSION");
  }

  public Path customDir() {
    return dir.resolve("custom");
  }

  public Path statusScript() {
    return customDir().resolve("scripts").resolve("status");
  }

  public Path configScript() {
    return customDir().resolve("scripts").resolve("config");
  }

  public Path wwwWithCookie() {
    return customDir().resolve("www").resolve("withcookie");
  }

  public Path wwwNoCookie() {
    return customDir().resolve("www").resolve("nocookie");
  }

  public Path stateDir() {
    return dir.resolve("state");
  }

  /** The web terminal's own certificate (PEM), which it makes for this instance; the owner's page shows its fingerprint. */
  public Path terminalCertificate() {
    return stateDir().resolve(TERMINAL_CERTIFICATE);
  }

  public InstanceConfig loadConfig() throws ConfigException, IOException {
    return InstanceConfig.load(conf());
  }
}
