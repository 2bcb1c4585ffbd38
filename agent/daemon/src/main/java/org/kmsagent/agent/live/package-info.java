/**
 * The daemon's live binding of the control API ({@link org.kmsagent.agent.live.LiveAgent}): the plugin host, the
 * licensing stack (SLC on Windows, else the {@link org.kmsagent.agent.live.SimulatedSite} standing for this
 * computer), the optional KMS host role ({@link org.kmsagent.agent.live.HostRole}) and one renewal loop per installed
 * product, persisted after every run and resumed at start. See {@code docs/architecture.md}, "The daemon".
 */
package org.kmsagent.agent.live;
