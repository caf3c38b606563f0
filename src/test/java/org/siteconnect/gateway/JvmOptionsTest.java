package org.siteconnect.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * conf/jit-low-priority.options, the optional file for a node on one CPU ({@code java @conf/jvm.options
 * @conf/jit-low-priority.options -jar …}): a JVM started with both runs its JIT compiler threads at nice 10 and every
 * other thread at the node's own. Fails if a later JVM skips one of those options (conf/jvm.options has them
 * ignored, not refused, when unknown).
 */
class JvmOptionsTest {
  private static final int COMPILER_NICE = 10;

  @Test
  @DisplayName(
      "with conf/jit-low-priority.options the JIT compiler threads run at nice 10, every other thread as the node")
  void compilerThreadsYieldTheCpu() throws Exception {
    assumeTrue(
        Files.isDirectory(Path.of("/proc/self/task")),
        "Linux's /proc names the threads' nice values");
    String classes = Path.of(ThreadNices.class
            .getProtectionDomain()
            .getCodeSource()
            .getLocation()
            .toURI())
        .toString();
    Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "@conf/jvm.options",
            "@conf/jit-low-priority.options",
            "-cp",
            classes,
            ThreadNices.class.getName())
        .redirectErrorStream(false)
        .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(
        0,
        p.waitFor(),
        "the JVM started with the options files: "
            + new String(p.getErrorStream().readAllBytes()));

    List<String[]> threads = out.lines().map(l -> l.split("\t")).toList();
    int own = threads.stream()
        .filter(t -> t[0].equals("main"))
        .mapToInt(t -> Integer.parseInt(t[1]))
        .findFirst()
        .orElseThrow();
    assumeTrue(
        own <= COMPILER_NICE,
        "started at nice " + own + ": a lower priority than the compiler's own");
    List<String> compilers = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (String[] t : threads) {
      // the code cache's sweeper is one of the compiler's threads
      boolean compiler = t[0].matches(".* CompilerThre.*|Sweeper thread");
      if (compiler) {
        compilers.add(t[0]);
      }
      int expected = compiler ? COMPILER_NICE : own;
      if (Integer.parseInt(t[1]) != expected) {
        wrong.add(t[0] + " at nice " + t[1] + ", not " + expected);
      }
    }
    assertFalse(compilers.isEmpty(), "the JVM has compiler threads: " + out);
    assertEquals(List.of(), wrong, "threads at another priority than the options files mean");
  }

  /** Prints each thread of this JVM with its nice value ({@code /proc/self/task/<tid>/stat}, field 19). */
  static final class ThreadNices {
    public static void main(String[] args) throws IOException {
      try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          // fields[0] is field 3 (state): nice, field 19, is fields[16]
          System.out.println(("java".equals(name) ? mainOrOther(task) : name) + "\t" + fields[16]);
        }
      }
    }

    /** The launcher's thread and the main thread are both named "java" by the kernel; tell them apart by tid. */
    private static String mainOrOther(Path task) {
      long pid = ProcessHandle.current().pid();
      return task.getFileName().toString().equals(String.valueOf(pid)) ? "launcher" : "main";
    }
  }
}
