/**
 * {@code kms-agent simulate} itself: the command that reads a scenario (a file, flags, a snapshot or a hub's fleet),
 * runs the lab of {@code simulate} and writes its outputs, the HTML report of {@code report} included. Above both
 * packages, so that the report depends only on the lab's values. See docs/simulate.md.
 */
package org.kmsagent.agent.simulate.command;
