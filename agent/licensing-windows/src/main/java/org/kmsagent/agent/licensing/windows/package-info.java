/**
 * {@code licensing: slc}: Windows' own licensing service as the agent's licensing stack, put together from SLC reads
 * ({@code licensing.slc}) and WMI writes ({@code licensing.wmi}); only this package knows both.
 */
package org.kmsagent.agent.licensing.windows;
