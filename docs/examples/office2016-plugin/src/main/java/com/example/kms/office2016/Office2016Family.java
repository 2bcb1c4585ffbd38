package com.example.kms.office2016;

import org.kmsagent.api.CatalogFamily;
import org.pf4j.Extension;

/**
 * Office 2016 as a third-party family: its id, and everything else in {@code catalog.json} beside this class.
 * Office 2016 shares Office 2013's licensing application id, so the agent counts both in one pool.
 */
@Extension
public final class Office2016Family extends CatalogFamily {
  public Office2016Family() {
    super("office2016");
  }
}
