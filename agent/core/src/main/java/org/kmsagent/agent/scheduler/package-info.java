/**
 * Time for the renewal loop and the lab: a {@link org.kmsagent.agent.scheduler.Scheduler} with a live
 * implementation on Vert.x timers and a discrete-event virtual clock for simulations and tests.
 */
package org.kmsagent.agent.scheduler;
