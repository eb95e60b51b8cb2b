/**
 * What follows a delivery attempt: {@link io.mailhub.delivery.DeliveryOutcome} re-enqueues deferred recipients onto
 * {@code mail.outbound} with Artemis scheduled delivery ({@link io.mailhub.delivery.RetrySchedule}) and sends failed
 * or expired ones to {@code mail.bounce}, in the consumed message's transaction. Runs in the delivery route after the
 * smtp-relay component; depends on {@code io.mailhub.relay}, {@code io.mailhub.queue} and {@code io.mailhub.model}.
 */
package io.mailhub.delivery;
