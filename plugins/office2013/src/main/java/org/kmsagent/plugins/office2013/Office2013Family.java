package org.kmsagent.plugins.office2013;

import java.net.URL;
import java.util.UUID;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.CountPool;
import org.kmsagent.api.ProductFamily;
import org.pf4j.Extension;

/** The Office 2013 product family: its identity, its catalog resource and its activation handler. */
@Extension
public final class Office2013Family implements ProductFamily {
  /** The licensing application id (kms-facts.md §1.1). */
  static final UUID APPLICATION_ID = UUID.fromString("0ff1ce15-a989-479d-af46-f275c6370663");

  private static final CountPool POOL = new CountPool("office2013", "Office 2013", APPLICATION_ID);
  private final ActivationHandler handler = new Office2013ActivationHandler();

  @Override
  public String id() {
    return "office2013";
  }

  @Override
  public String displayName() {
    return "Office 2013";
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
    return Office2013Family.class.getResource("catalog.json");
  }

  @Override
  public ActivationHandler activationHandler() {
    return handler;
  }
}
