package org.kmsagent.plugins.office2010;

import java.net.URL;
import java.util.UUID;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.CountPool;
import org.kmsagent.api.ProductFamily;
import org.pf4j.Extension;

/** The Office 2010 product family: its identity, its catalog resource and its activation handler. */
@Extension
public final class Office2010Family implements ProductFamily {
  /** The licensing application id (kms-facts.md §1.1). */
  static final UUID APPLICATION_ID = UUID.fromString("59a52881-a989-479d-af46-f275c6370663");

  private static final CountPool POOL = new CountPool("office2010", "Office 2010", APPLICATION_ID);
  private final ActivationHandler handler = new Office2010ActivationHandler();

  @Override
  public String id() {
    return "office2010";
  }

  @Override
  public String displayName() {
    return "Office 2010";
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
    return Office2010Family.class.getResource("catalog.json");
  }

  @Override
  public ActivationHandler activationHandler() {
    return handler;
  }
}
