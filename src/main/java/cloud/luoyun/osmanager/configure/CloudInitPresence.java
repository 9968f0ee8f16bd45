package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.util.ImageRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether cloud-init would apply NoCloud and ConfigDrive volumes on this system too: installed
 * (its program or its config under the root) and not disabled ({@code /etc/cloud/cloud-init.disabled},
 * or {@code cloud-init=disabled} on the running kernel's command line). Two agents applying the
 * same volume fight over passwords, keys, host keys and network files, so by default OS Manager
 * then leaves those volumes to cloud-init (the operator's {@code --sources} overrides that).
 */
final class CloudInitPresence {
  private static final List<String> INSTALLED = List.of("usr/bin/cloud-init", "etc/cloud/cloud.cfg");
  private static final String DISABLED = "etc/cloud/cloud-init.disabled";

  private CloudInitPresence() {}

  /** Why cloud-init is taken to be active, in words; empty when it is absent or disabled. */
  static Optional<String> active(ImageRoot root, Path procCmdline) {
    Optional<String> installed = INSTALLED.stream().filter(p -> Files.exists(root.resolve(p))).findFirst();
    if (installed.isEmpty() || Files.exists(root.resolve(DISABLED))) {
      return Optional.empty();
    }
    if (root.isLive()) {
      try {
        String cmdline = new String(Files.readAllBytes(procCmdline), StandardCharsets.US_ASCII);
        if (List.of(cmdline.strip().split("\\s+")).contains("cloud-init=disabled")) {
          return Optional.empty();
        }
      } catch (IOException e) {
        // no /proc: judge by the files alone
      }
    }
    return Optional.of("cloud-init is installed (/" + installed.get() + ") and not disabled (no /" + DISABLED + ")");
  }
}
