package com.example.kms.office2016;

import java.net.URL;
import java.util.UUID;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.CountPool;
import org.kmsagent.api.ProductFamily;
import org.pf4j.Extension;

/** Office 2016: its identity, its own count pool, its catalog and its handler. */
@Extension
public final class Office2016Family implements ProductFamily {
  /** Office 2013 and later share this licensing application id. */
  static final UUID APPLICATION_ID = UUID.fromString("0ff1ce15-a989-479d-af46-f275c6370663");

  /** A KMS host shows a separate count per Office host product, so Office 2016 counts apart from 2013. */
  private static final CountPool POOL = new CountPool("office2016", "Office 2016", APPLICATION_ID);

  private final ActivationHandler handler = new Office2016ActivationHandler();

  @Override
  public String id() {
    return "office2016";
  }

  @Override
  public String displayName() {
    return "Office 2016";
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
    return Office2016Family.class.getResource("catalog.json");
  }

  @Override
  public ActivationHandler activationHandler() {
    return handler;
  }
}
