package dev.hsm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands: alone, it is a usage error naming them. */
abstract class Group implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "a subcommand is needed: " + String.join(", ", spec.subcommands().keySet()));
  }
}
