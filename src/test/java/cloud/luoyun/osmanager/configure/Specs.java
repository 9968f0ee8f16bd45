package cloud.luoyun.osmanager.configure;

import cloud.luoyun.osmanager.config.InstanceSpec;
import cloud.luoyun.osmanager.config.InstanceSpec.Account;
import java.util.List;
import java.util.Optional;

/** Specs as another source than LuoYun's floppy would map them, built directly, and a run of them. */
final class Specs {
  private Specs() {}

  /** A NoCloud spec with these accounts, no host name and no network. */
  static InstanceSpec nocloud(String instanceId, Account... accounts) {
    return new InstanceSpec(InstanceSpec.Source.NOCLOUD, instanceId, Optional.empty(), false, List.of(accounts),
        Optional.empty(), Optional.empty(), List.of(), List.of());
  }

  static InstanceSpec withHostname(InstanceSpec s, InstanceSpec.HostName name, boolean manageEtcHosts) {
    return new InstanceSpec(s.source(), s.instanceId(), Optional.of(name), manageEtcHosts, s.accounts(), s.network(),
        s.luoyun(), s.notApplied(), s.warnings());
  }

  /** Every step of a run applied to {@code spec} on {@code tree}, as configure applies them. */
  static Report run(ImageTree tree, InstanceSpec spec, CommandRunner runner) throws InterruptedException {
    Configurator.Options o = Configurator.Options.of(tree.home).withRoot(tree.root);
    Configurator configurator = new Configurator(o, runner, ImageTree.CLOCK);
    return new Report(configurator.applySteps(new Context(spec, o, runner), s -> {}), Optional.empty());
  }
}
