package io.mailhub.ingress.smtp;

import io.mailhub.policy.NetworkList;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The SMTP listener's settings, already validated.
 *
 * @param hostname our name in the greeting, EHLO reply and Received header
 * @param bindAddress the address to listen on; {@code null} for all
 * @param port the TCP port; 0 picks a free one (tests)
 * @param role MX, submission or implicit-TLS submission: decides STARTTLS, AUTH and relay rules
 * @param maxConnections concurrent sessions; one more is answered 421 4.7.0 and closed
 * @param connectionsPerClient concurrent sessions from one client address (0: no limit), so that one address cannot
 *     take every slot; clients in {@code trustedNetworks} are exempt (Postfix's smtpd_client_connection_count_limit)
 * @param trustedNetworks clients exempt from the per-client limit
 * @param idleTimeout the deadline for each command line and for each reply write, and the base of the deadline for
 *     message content; a client that misses it gets 421 4.4.2
 * @param minDataRate octets per second of message content that extend its deadline by a second (0: only the timeout)
 * @param maxMessageSize octets, advertised in SIZE
 * @param maxRecipients recipients per transaction; more get 452 4.5.3
 * @param maxLineLength the hard per-line limit inside a message (RFC 5322's 998 is relayed intact up to here)
 * @param spoolDirectory where messages above {@code spoolMemoryThreshold} are collected while being received
 * @param spoolMemoryThreshold octets kept in memory per message before spooling to a file
 * @param errorLimit protocol errors per session before 421 4.7.0 and disconnect (Postfix's smtpd_hard_error_limit)
 * @param shutdownGrace how long sessions in the middle of a transaction may take to finish when the hub stops
 */
public record SmtpSettings(
        String hostname,
        InetAddress bindAddress,
        int port,
        ListenerRole role,
        int maxConnections,
        int connectionsPerClient,
        NetworkList trustedNetworks,
        Duration idleTimeout,
        long minDataRate,
        long maxMessageSize,
        int maxRecipients,
        int maxLineLength,
        Path spoolDirectory,
        int spoolMemoryThreshold,
        int errorLimit,
        Duration shutdownGrace) {}
