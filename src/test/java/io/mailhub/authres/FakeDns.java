package io.mailhub.authres;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A DNS for unit tests: records given in code, names marked as failing, and a count of the questions asked. */
final class FakeDns implements Dns {

    private final Map<String, List<String>> txt = new HashMap<>();
    private final Map<String, List<InetAddress>> addresses = new HashMap<>();
    private final Map<String, List<String>> mx = new HashMap<>();
    private final Set<String> failing = new HashSet<>();
    int questions;

    FakeDns txt(String name, String... values) {
        txt.computeIfAbsent(name, n -> new ArrayList<>()).addAll(List.of(values));
        return this;
    }

    FakeDns a(String name, String... ips) {
        for (String ip : ips) {
            try {
                addresses.computeIfAbsent(name, n -> new ArrayList<>()).add(InetAddress.getByName(ip));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return this;
    }

    FakeDns mx(String name, String... hosts) {
        mx.computeIfAbsent(name, n -> new ArrayList<>()).addAll(List.of(hosts));
        return this;
    }

    FakeDns failing(String name) {
        failing.add(name);
        return this;
    }

    private void ask(String name) throws DnsFailure {
        questions++;
        if (failing.contains(name)) {
            throw new DnsFailure("SERVFAIL for " + name);
        }
    }

    @Override
    public List<String> txt(String name) throws DnsFailure {
        ask(name);
        return txt.getOrDefault(name, List.of());
    }

    @Override
    public List<InetAddress> addresses(String name) throws DnsFailure {
        ask(name);
        return addresses.getOrDefault(name, List.of());
    }

    @Override
    public List<String> mx(String name) throws DnsFailure {
        ask(name);
        return mx.getOrDefault(name, List.of());
    }
}
