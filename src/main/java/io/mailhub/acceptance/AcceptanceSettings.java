package io.mailhub.acceptance;

/**
 * The acceptance stage's settings, the same for every door.
 *
 * @param hostname our name: the Received header's "by", generated Message-IDs, our authserv-id
 * @param maxMessageSize the largest message in octets as submitted ({@code mailhub.max-message-size})
 * @param maxHops Received fields a message may have; more is a mail loop ({@code mailhub.max-hops})
 */
public record AcceptanceSettings(String hostname, long maxMessageSize, int maxHops) {}
