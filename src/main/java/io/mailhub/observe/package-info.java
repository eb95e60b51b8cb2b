/**
 * What operators watch: the Prometheus metrics at {@code /observe/metrics} (Micrometer), and the parts that are not a
 * stage's own: the hub's build, Camel's route counters. Each stage creates and updates its own meters in the one
 * {@link io.micrometer.core.instrument.MeterRegistry} this package builds; docs/operations.md lists them.
 */
package io.mailhub.observe;
