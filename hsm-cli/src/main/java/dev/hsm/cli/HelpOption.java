package dev.hsm.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} alone, for commands whose own {@code --version} names a key version: picocli's
 * standard help options would add its {@code --version} beside it, and the command then loses both.
 */
final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;
}
