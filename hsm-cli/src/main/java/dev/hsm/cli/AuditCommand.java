package dev.hsm.cli;

import dev.hsm.AuditEntry;
import dev.hsm.AuditLog;
import dev.hsm.HsmClient;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsm audit ...}: the hash-chained audit log. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Verifies and shows the store's audit log.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Tail.class})
final class AuditCommand extends Group {

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Checks the whole hash chain; exits 6 if an entry was edited, removed or reordered.",
        "Keep the printed count elsewhere: a rollback of the whole file is caught by comparing it."
      })
  static final class Verify extends BaseCommand {
    @Override
    void run(HsmClient hsm) {
      long entries = hsm.auditLog().verify();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("verified", true);
      result.put("entries", entries);
      print(result, "audit log verified: " + entries + " entries");
    }
  }

  @Command(
      name = "tail",
      mixinStandardHelpOptions = true,
      description = "Prints the newest entries of the audit log, oldest first.")
  static final class Tail extends BaseCommand {
    private static final int PAGE = 1000;

    @Option(
        names = {"-n", "--lines"},
        paramLabel = "N",
        defaultValue = "20",
        description = "How many entries (default: ${DEFAULT-VALUE}).")
    int lines;

    @Override
    void run(HsmClient hsm) {
      if (lines < 1) {
        throw new CliException(ExitCodes.USAGE, "--lines must be at least 1");
      }
      AuditLog log = hsm.auditLog();
      Deque<AuditEntry> newest = new ArrayDeque<>();
      long next = 1;
      while (true) {
        List<AuditEntry> page = log.entries(next, PAGE);
        for (AuditEntry entry : page) {
          newest.addLast(entry);
          if (newest.size() > lines) {
            newest.removeFirst();
          }
          next = entry.sequence() + 1;
        }
        if (page.size() < PAGE) {
          break;
        }
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("entries", newest.stream().map(Describe::entry).collect(Collectors.toList()));
      print(result, newest.stream().map(Describe::line).collect(Collectors.joining("\n")));
    }
  }
}
