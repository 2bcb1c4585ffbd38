package org.kmsagent.agent.live;

import jakarta.inject.Qualifier;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/** The daemon's data directory (created before the parts start): the ledger, the state, the Event Log bookmark. */
@Qualifier
@Retention(RetentionPolicy.RUNTIME)
@interface DataDirectory {}
