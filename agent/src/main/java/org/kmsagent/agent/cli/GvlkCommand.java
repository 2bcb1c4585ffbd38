package org.kmsagent.agent.cli;

import picocli.CommandLine.Command;

@Command(name = "gvlk")
final class GvlkCommand implements Runnable {
  @Override
  public void run() {}
}
