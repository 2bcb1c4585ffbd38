package org.kmsagent.agent.cli;

import picocli.CommandLine.Command;

@Command(name = "products")
final class ProductsCommand implements Runnable {
  @Override
  public void run() {}
}
