package org.siteconnect.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README is a front door: small, its commands the ones CI runs, every link into the repository alive. */
class DocsTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

  @Test
  @DisplayName("README.md stays within 15 KB")
  void readmeSize() throws Exception {
    long size = Files.size(Path.of("README.md"));
    assertTrue(size <= 15 * 1024, "README.md is " + size + " bytes; move details into docs/");
  }

  @Test
  @DisplayName(
      "the README's test command is what CI runs, its build command what the docs build on")
  void readmeCommands() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String ci = Files.readString(Path.of(".ci/run"));
    assertTrue(ci.contains("exec bash src/test/run.sh"), ".ci/run runs src/test/run.sh");
    assertTrue(
        readme.contains("\nbash src/test/run.sh\n"), "README's command 2 is bash src/test/run.sh");
    assertTrue(
        readme.contains("\nmvn -B -q -DskipTests package && java @conf/jvm.options -jar"
            + " target/siteconnect-gateway.jar\n"),
        "README's command 1 builds the jar and runs it");
  }

  @Test
  @DisplayName(
      "the container image runs with the JVM options of conf/jvm.options, as the README's command does")
  void imageHasTheJvmOptions() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    List<String> options = Files.readAllLines(Path.of("conf/jvm.options")).stream()
        .map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
    assertTrue(!options.isEmpty(), "conf/jvm.options has options");
    for (String option : options) {
      assertTrue(pom.contains("<jvmFlag>" + option + "</jvmFlag>"), "jib jvmFlags lack " + option);
    }
  }

  @Test
  @DisplayName("every relative link in README.md and docs/*.md names a file that exists")
  void links() throws Exception {
    List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<String> dead = new ArrayList<>();
    for (Path file : files) {
      Matcher m = LINK.matcher(Files.readString(file));
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue; // http:, https:, mailto:
        }
        Path resolved = file.toAbsolutePath().getParent().resolve(target).normalize();
        if (!Files.exists(resolved)) {
          dead.add(file + " → " + target);
        }
      }
    }
    assertEquals(List.of(), dead, "links to files that do not exist");
  }
}
