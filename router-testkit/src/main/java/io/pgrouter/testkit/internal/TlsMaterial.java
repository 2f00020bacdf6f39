package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.TlsFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA for one replica set, made with BouncyCastle: it signs a server certificate per node (valid for
 * the node's address) and a client certificate for the replica set's user. RSA 2048 keys: the embedded
 * binaries' OpenSSL refuses EC keys ("EC lib"). Private keys exist only in the run directory
 * and in server data directories, with mode 0600.
 */
public final class TlsMaterial implements TlsFiles {

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");
    private static final Duration VALIDITY = Duration.ofDays(2);
    private static final String KEY_STORE_ALIAS = "user"; // the alias pgjdbc's PKCS12KeyManager reads

    private final SecureRandom random = new SecureRandom();
    private final Path dir;
    private final boolean clientCertificatesRequired;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final String caPem;
    private final String clientKeyStorePassword;

    /**
     * Makes the CA, the client certificate for {@code user} and a foreign CA in {@code dir} (created, mode 0700).
     */
    public TlsMaterial(Path dir, String user, boolean clientCertificatesRequired) {
        this.dir = dir;
        this.clientCertificatesRequired = clientCertificatesRequired;
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            caKeys = keyPair();
            ca = caCertificate("pgrouter test kit CA", caKeys);
            caPem = pem(ca);
            write(caCertificate(), caPem.getBytes(StandardCharsets.US_ASCII));
            KeyPair foreignKeys = keyPair();
            write(
                    foreignCaCertificate(),
                    pem(caCertificate("pgrouter test kit foreign CA", foreignKeys))
                            .getBytes(StandardCharsets.US_ASCII));
            KeyPair clientKeys = keyPair();
            X509Certificate client = sign(new X500Name("CN=" + user), clientKeys, null, KeyPurposeId.id_kp_clientAuth);
            write(clientCertificate(), pem(client).getBytes(StandardCharsets.US_ASCII));
            write(clientKey(), clientKeys.getPrivate().getEncoded());
            clientKeyStorePassword = HexFormat.of().formatHex(random.generateSeed(12));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(
                    KEY_STORE_ALIAS, clientKeys.getPrivate(), clientKeyStorePassword.toCharArray(), new Certificate[] {
                        client, ca
                    });
            try (OutputStream out = Files.newOutputStream(clientKeyStore())) {
                store.store(out, clientKeyStorePassword.toCharArray());
            }
            Files.setPosixFilePermissions(clientKeyStore(), PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(
                    "Cannot make the test kit's TLS certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The files a node needs, PEM: its certificate (valid for {@code host}, and 127.0.0.1), its key, and the CA
     * certificate that client certificates are checked against.
     */
    public ServerFiles serverFiles(String nodeName, String host) {
        try {
            KeyPair keys = keyPair();
            List<GeneralName> names = new ArrayList<>();
            for (String address : List.of(host, "127.0.0.1")) {
                GeneralName name = IP_LITERAL.matcher(address).matches()
                        ? new GeneralName(
                                GeneralName.iPAddress,
                                InetAddress.getByName(address).getHostAddress())
                        : new GeneralName(GeneralName.dNSName, address);
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
            X509Certificate certificate = sign(
                    new X500Name("CN=" + nodeName),
                    keys,
                    new GeneralNames(names.toArray(GeneralName[]::new)),
                    KeyPurposeId.id_kp_serverAuth);
            return new ServerFiles(pem(certificate), pem(keys.getPrivate()), caPem);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(
                    "Cannot make the TLS certificate of " + nodeName + ": " + e.getMessage(), e);
        }
    }

    /** The PEM texts a server reads from its data directory. */
    public record ServerFiles(String certificate, String key, String caCertificate) {
        @Override
        public String toString() {
            return "ServerFiles[key masked]";
        }
    }

    @Override
    public Path caCertificate() {
        return dir.resolve("root.crt");
    }

    @Override
    public String caCertificatePem() {
        return caPem;
    }

    @Override
    public Path foreignCaCertificate() {
        return dir.resolve("foreign-root.crt");
    }

    @Override
    public boolean clientCertificatesRequired() {
        return clientCertificatesRequired;
    }

    @Override
    public Path clientCertificate() {
        return dir.resolve("client.crt");
    }

    @Override
    public Path clientKey() {
        return dir.resolve("client.pk8");
    }

    @Override
    public Path clientKeyStore() {
        return dir.resolve("client.p12");
    }

    @Override
    public String clientKeyStorePassword() {
        return clientKeyStorePassword;
    }

    @Override
    public String toString() {
        return "TlsMaterial[" + dir + (clientCertificatesRequired ? ", client certificates required" : "") + "]";
    }

    private KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, random);
        return generator.generateKeyPair();
    }

    private X509Certificate caCertificate(String name, KeyPair keys)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = builder(subject, subject, keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }

    private X509Certificate sign(X500Name subject, KeyPair keys, GeneralNames altNames, KeyPurposeId purpose)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        X509v3CertificateBuilder builder =
                builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), subject, keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(
                Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        builder.addExtension(
                Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
        if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
    }

    private X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys)
            throws GeneralSecurityException, IOException {
        // Valid from an hour ago: a server whose clock is slightly behind still accepts it.
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(63, random).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(VALIDITY)),
                subject,
                keys.getPublic());
        builder.addExtension(
                Extension.subjectKeyIdentifier,
                false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
        return builder;
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static void write(Path file, byte[] content) {
        try {
            Files.write(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
