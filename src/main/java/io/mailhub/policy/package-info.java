/**
 * The policy stage: one hook interface per SMTP phase, asked in order by {@link io.mailhub.policy.PolicyChain}, with
 * {@link io.mailhub.policy.RelayControl} (554 5.7.1 relay denied) always first at RCPT. Called inside the SMTP
 * session; depends only on {@code io.mailhub.model}.
 */
package io.mailhub.policy;
