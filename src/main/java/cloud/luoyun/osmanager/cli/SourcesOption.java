package cloud.luoyun.osmanager.cli;

import cloud.luoyun.osmanager.config.InstanceSpec.Source;
import cloud.luoyun.osmanager.configure.Configurator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --sources}, shared by configure and boot: which kinds of config source to look for at boot. */
final class SourcesOption {
  @Option(names = "--sources", paramLabel = "KINDS", converter = Kinds.class,
      description = "Which config sources to look for at boot, comma-separated: luoyun (the config floppy, always "
          + "read), nocloud (a volume labelled cidata), configdrive (a volume labelled config-2). Default: all, "
          + "but nocloud and configdrive only where cloud-init is absent or disabled (it would apply them too).")
  Set<Source> sources;

  Configurator.Options applyTo(Configurator.Options o) {
    return sources == null ? o : o.withSources(sources);
  }

  /** {@code luoyun,nocloud}: known kinds only, each once. */
  static final class Kinds implements picocli.CommandLine.ITypeConverter<Set<Source>> {
    @Override
    public Set<Source> convert(String value) {
      Set<Source> kinds = EnumSet.noneOf(Source.class);
      for (String word : value.split(",", -1)) {
        Source kind = List.of(Source.values()).stream().filter(s -> s.id().equals(word.strip().toLowerCase(Locale.ROOT)))
            .findFirst().orElseThrow(() -> new TypeConversionException("not a config source: '" + word
                + "' (luoyun, nocloud, configdrive)"));
        kinds.add(kind);
      }
      kinds.add(Source.LUOYUN); // the floppy is always read
      return kinds;
    }
  }
}
