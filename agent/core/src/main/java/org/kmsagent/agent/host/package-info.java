/**
 * The KMS host model: the activation ledger per count pool (distinct client machine ids, the 30-day window, the
 * 2 x threshold cap), the grant/refuse rules by threshold class, host key and license pack, host settings, and the
 * append-only request history, durable in an embedded database.
 *
 * <p>This is a model of what a Windows KMS host decides, driven in-process by the simulated licensing stack. It
 * never listens on the network and never speaks Microsoft's KMS protocol; on a real network, Windows' own KMS
 * host service activates clients.
 */
package org.kmsagent.agent.host;
