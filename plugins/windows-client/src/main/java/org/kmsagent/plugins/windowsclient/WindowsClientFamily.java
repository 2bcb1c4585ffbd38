package org.kmsagent.plugins.windowsclient;

import java.net.URL;
import java.util.UUID;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.CountPool;
import org.kmsagent.api.ProductFamily;
import org.pf4j.Extension;

/** The Windows client product family: its identity, its catalog resource and its activation handler. */
@Extension
public final class WindowsClientFamily implements ProductFamily {
  /** The licensing application id (kms-facts.md §1.1). */
  static final UUID APPLICATION_ID = UUID.fromString("55c92734-d682-4d71-983e-d6ec3f16059f");

  private static final CountPool POOL = CountPool.WINDOWS;
  private final ActivationHandler handler = new WindowsClientActivationHandler();

  @Override
  public String id() {
    return "windows-client";
  }

  @Override
  public String displayName() {
    return "Windows client";
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
    return WindowsClientFamily.class.getResource("catalog.json");
  }

  @Override
  public ActivationHandler activationHandler() {
    return handler;
  }
}
