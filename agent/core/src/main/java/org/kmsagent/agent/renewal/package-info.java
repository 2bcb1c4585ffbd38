/**
 * The renewal loop: for each installed product on a machine, the schedule Windows follows (docs/kms-rules.md §2.1–§2.3),
 * driven only through the family's activation handler, with a diagnosed cause for every failure and an optional
 * per-family MAK fallback. It runs on any {@link org.kmsagent.agent.scheduler.Scheduler} and any
 * {@link org.kmsagent.api.LicensingStack}.
 */
package org.kmsagent.agent.renewal;
