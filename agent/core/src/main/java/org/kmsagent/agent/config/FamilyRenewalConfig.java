package org.kmsagent.agent.config;

/**
 * One family's renewal overrides; a null field falls back to the global {@link RenewalConfig} value.
 *
 * @param kms this family's KMS endpoint ({@code host[:port]}, {@code dns}, {@code dns:domain})
 * @param makFallback this family's MAK fallback policy
 */
public record FamilyRenewalConfig(String kms, MakFallback makFallback) {}
