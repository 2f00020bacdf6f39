package io.pgrouter.testkit;

import java.nio.file.Path;

/**
 * The certificates of a replica set that runs with TLS ({@link PostgresReplicaSet#tls(boolean)}): a throw-away CA
 * made for this replica set, which signed every node's server certificate and a client certificate for the
 * replica set's user. Files live in the replica set's run directory and are deleted when it closes.
 */
public interface TlsFiles {

    /** {@return the CA certificate (PEM) that signed every node's certificate: {@code sslrootcert} for verify-full} */
    Path caCertificate();

    /** {@return the CA certificate as PEM text} */
    String caCertificatePem();

    /**
     * {@return the certificate (PEM) of a CA that signed nothing of this replica set's: verification against it
     * fails, as against a wrong CA}
     */
    Path foreignCaCertificate();

    /** {@return whether the nodes require a client certificate ({@link PostgresReplicaSet#clientCertificates(boolean)})} */
    boolean clientCertificatesRequired();

    /** {@return a client certificate (PEM) for {@link ReplicaSet#user()}, signed by the CA} */
    Path clientCertificate();

    /** {@return the client certificate's private key, unencrypted PKCS#8 DER ({@code .pk8}), as pgjdbc reads it} */
    Path clientKey();

    /** {@return the client certificate and its key in a PKCS#12 key store ({@code .p12}) locked with {@link #clientKeyStorePassword()}} */
    Path clientKeyStore();

    /** {@return the password of {@link #clientKeyStore()}} */
    String clientKeyStorePassword();
}
