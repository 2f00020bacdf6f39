package io.pgrouter.topology;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/** SRV lookups through the JDK's DNS naming provider ({@code com.sun.jndi.dns}, module {@code jdk.naming.dns}). */
final class SrvRecords {

    private SrvRecords() {}

    /** Each SRV record of {@code name} as its target and port ({@code priority weight port target}). */
    static List<InetSocketAddress> resolve(String name, int ignoredPort) throws IOException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        DirContext dns = null;
        try {
            dns = new InitialDirContext(env);
            Attribute records = dns.getAttributes(name, new String[] {"SRV"}).get("SRV");
            if (records == null) {
                throw new UnknownHostException(name + " has no SRV record");
            }
            List<InetSocketAddress> targets = new ArrayList<>();
            NamingEnumeration<?> all = records.getAll();
            while (all.hasMore()) {
                String[] parts = String.valueOf(all.next()).trim().split("\\s+");
                if (parts.length == 4) {
                    String target = parts[3].endsWith(".") ? parts[3].substring(0, parts[3].length() - 1) : parts[3];
                    targets.add(InetSocketAddress.createUnresolved(target, Integer.parseInt(parts[2])));
                }
            }
            return targets;
        } catch (NamingException | NumberFormatException e) {
            throw new IOException("SRV lookup of " + name + " failed: " + e.getMessage(), e);
        } finally {
            if (dns != null) {
                try {
                    dns.close();
                } catch (NamingException ignored) {
                    // nothing held
                }
            }
        }
    }
}
