package org.kmsagent.agent.config;

/**
 * The bridge's TLS material. With neither file given, a self-signed certificate is made at first start and kept in
 * {@code <dataDir>/tls/}; its SHA-256 fingerprint is printed so that clients can pin it.
 *
 * @param certFile PEM certificate (chain) file, or null
 * @param keyFile PEM private key file (unencrypted: PKCS#8, or OpenSSL's PKCS#1 RSA and SEC 1 EC forms), or null
 * @param clientCaFile PEM CA certificates; when set, clients must also present a certificate signed by one (mutual
 *     TLS, on top of the token)
 */
public record TlsConfig(String certFile, String keyFile, String clientCaFile) {}
