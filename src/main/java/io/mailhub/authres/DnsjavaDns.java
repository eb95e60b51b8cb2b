package io.mailhub.authres;

import io.mailhub.relay.dns.DnsServers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/** {@link Dns} with dnsjava against the {@code mailhub.dns.servers} (or the system's), answers cached by their TTL. */
public final class DnsjavaDns implements Dns {

    private final LookupSession session;
    private final Duration timeout;

    public DnsjavaDns(String serversSetting, Duration timeout) {
        List<InetSocketAddress> servers = DnsServers.parse(serversSetting);
        if (servers.isEmpty()) {
            servers = ResolverConfig.getCurrentConfig().servers();
        }
        List<Resolver> resolvers = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            SimpleResolver r = new SimpleResolver(server);
            r.setTimeout(timeout.dividedBy(2));
            resolvers.add(r);
        }
        ExtendedResolver resolver = new ExtendedResolver(resolvers);
        resolver.setTimeout(timeout);
        this.session = LookupSession.builder().resolver(resolver).cache(new Cache(DClass.IN)).build();
        this.timeout = timeout;
    }

    @Override
    public List<String> txt(String name) throws DnsFailure {
        List<String> out = new ArrayList<>();
        for (Record r : lookup(name, Type.TXT)) {
            if (r instanceof TXTRecord txt) {
                out.add(String.join("", txt.getStrings()));
            }
        }
        return out;
    }

    @Override
    public List<InetAddress> addresses(String name) throws DnsFailure {
        List<InetAddress> out = new ArrayList<>();
        for (Record r : lookup(name, Type.A)) {
            if (r instanceof ARecord a) {
                out.add(a.getAddress());
            }
        }
        for (Record r : lookup(name, Type.AAAA)) {
            if (r instanceof AAAARecord a) {
                out.add(a.getAddress());
            }
        }
        return out;
    }

    @Override
    public List<String> mx(String name) throws DnsFailure {
        List<String> out = new ArrayList<>();
        for (Record r : lookup(name, Type.MX)) {
            if (r instanceof MXRecord mx) {
                out.add(mx.getTarget().toString(true).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private List<Record> lookup(String name, int type) throws DnsFailure {
        Name n;
        try {
            n = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return List.of(); // not a DNS name: nothing exists there
        }
        try {
            return session.lookupAsync(n, type).toCompletableFuture()
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).getRecords();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsFailure("interrupted while looking up " + Type.string(type) + " " + name);
        } catch (TimeoutException e) {
            throw new DnsFailure("DNS lookup of " + Type.string(type) + " " + name + " timed out");
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NoSuchDomainException || cause instanceof NoSuchRRSetException) {
                return List.of();
            }
            throw new DnsFailure("DNS lookup of " + Type.string(type) + " " + name + " failed: " + cause);
        }
    }
}
