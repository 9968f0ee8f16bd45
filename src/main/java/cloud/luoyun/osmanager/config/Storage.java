package cloud.luoyun.osmanager.config;

/** JSON {@code storage[i]}: an attached data disk. */
public record Storage(String type, int sizeGb) {}
