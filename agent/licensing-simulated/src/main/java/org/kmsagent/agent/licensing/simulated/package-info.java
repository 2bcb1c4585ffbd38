/**
 * The simulated licensing stack: per machine a model of Windows' licensing service ({@link
 * org.kmsagent.agent.licensing.simulated.SimulatedMachine}), and around the machines a network in which KMS hosts
 * are reachable or not ({@link org.kmsagent.agent.licensing.simulated.SimulatedNetwork}), a DNS zone with the
 * hosts' {@code _vlmcs._tcp} records ({@link org.kmsagent.agent.licensing.simulated.SimulatedDns}) and a model of
 * Microsoft's online activation service for MAKs ({@link org.kmsagent.agent.licensing.simulated.MakActivationService}).
 *
 * <p>Everything runs in-process on a {@link org.kmsagent.agent.scheduler.Scheduler}; nothing listens on a port and
 * nothing speaks Microsoft's KMS protocol.
 */
package org.kmsagent.agent.licensing.simulated;
