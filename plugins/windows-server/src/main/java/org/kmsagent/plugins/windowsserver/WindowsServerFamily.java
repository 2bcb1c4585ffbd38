package org.kmsagent.plugins.windowsserver;

import java.net.URL;
import java.util.UUID;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.CountPool;
import org.kmsagent.api.ProductFamily;
import org.pf4j.Extension;

/** The Windows Server product family: its identity, its catalog resource and its activation handler. */
@Extension
public final class WindowsServerFamily implements ProductFamily {
  /** The licensing application id (kms-facts.md §1.1). */
  static final UUID APPLICATION_ID = UUID.fromString("55c92734-d682-4d71-983e-d6ec3f16059f");

  private static final CountPool POOL = CountPool.WINDOWS;
  private final ActivationHandler handler = new WindowsServerActivationHandler();

  @Override
  public String id() {
    return "windows-server";
  }

  @Override
  public String displayName() {
    return "Windows Server";
  }

  @Override
  public UUID applicationId() {
    return APPLICATION_ID;
  }

  @Override
  public CountPool countPool() {
    return POOL;
  }

  @Override
  public URL catalogResource() {
    return WindowsServerFamily.class.getResource("catalog.json");
  }

  @Override
  public ActivationHandler activationHandler() {
    return handler;
  }
}
