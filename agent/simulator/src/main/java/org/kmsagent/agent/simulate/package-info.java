/**
 * {@code kms-agent simulate}: scenarios (YAML/JSON) validated against the loaded families, the lab that runs one KMS
 * host and a fleet of simulated machines on the virtual clock, and its two outputs (a readable timeline with a
 * summary, or JSON lines). The command that runs it is in {@code simulate.command}. See docs/simulate.md.
 */
package org.kmsagent.agent.simulate;
