/**
 * What a genuine Windows KMS host's service holds beside its counters: its settings (registry) and its host keys and
 * license packs (SLC). Read-only; used by the agent that watches the host (host.mode: watch, docs/host.md).
 */
package org.kmsagent.agent.licensing.kmshost;
