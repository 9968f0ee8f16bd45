package cloud.luoyun.osmanager.bench;

/** A JVM hello world: the floor the benchmarks set osmanager's start-up and memory beside. */
public final class Hello {
  private Hello() {}

  /** Prints a line; with an argument, then stays alive that many milliseconds (idle memory). */
  public static void main(String[] args) throws InterruptedException {
    System.out.println("hello");
    if (args.length > 0) {
      Thread.sleep(Long.parseLong(args[0]));
    }
  }
}
