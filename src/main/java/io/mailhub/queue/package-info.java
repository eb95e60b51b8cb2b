/**
 * The queues between the stages, on ActiveMQ Artemis: the embedded broker, the durable enqueue into
 * {@code mail.incoming} that ingress waits for before answering 250, and the {@code jms} component the routes use to
 * move mail between the {@code mail.*} addresses. Depends on {@code io.mailhub.model}, Artemis and camel-jms.
 */
package io.mailhub.queue;
