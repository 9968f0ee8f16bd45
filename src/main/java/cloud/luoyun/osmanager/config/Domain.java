package cloud.luoyun.osmanager.config;

import java.util.Optional;

/** JSON {@code domain}: the instance's public name (shown as $hostname on its pages) and address. */
public record Domain(Optional<String> name, Optional<Ipv4Address> ip) {}
