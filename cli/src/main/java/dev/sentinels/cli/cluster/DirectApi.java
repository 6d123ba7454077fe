package dev.sentinels.cli.cluster;

import io.fabric8.kubernetes.client.Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Read-only GETs against the API server with the JDK's HTTP client alone. Starting fabric8's client
 * costs about half a second (it registers a handler for every resource type), which read commands
 * like {@code status} need not pay. Covers client certificates (RSA or EC in PKCS#8, RSA in PKCS#1)
 * and bearer tokens; for anything else {@link #from} is empty and fabric8 is used.
 */
final class DirectApi {

  /** A GET's answer: status code and the body as a stream (close it). */
  record Response(int code, InputStream body) {}

  private final SSLContext ssl;
  private final boolean skipVerify;
  private final String server;
  private final String authorization;

  private DirectApi(SSLContext ssl, boolean skipVerify, String server, String authorization) {
    this.ssl = ssl;
    this.skipVerify = skipVerify;
    this.server = server.replaceAll("/+$", "");
    this.authorization = authorization;
  }

  String server() {
    return server;
  }

  /** A direct client for {@code config}, if its credentials are of a kind this class handles. */
  static Optional<DirectApi> from(Config config) {
    try {
      KeyManager[] keys = null;
      String cert = pem(config.getClientCertData(), config.getClientCertFile());
      String key = pem(config.getClientKeyData(), config.getClientKeyFile());
      if (cert != null || key != null) {
        if (cert == null || key == null) {
          return Optional.empty();
        }
        Optional<PrivateKey> privateKey = privateKey(key);
        if (privateKey.isEmpty()) {
          return Optional.empty();
        }
        keys = new KeyManager[] {new FixedKeyManager(certificates(cert), privateKey.get())};
      }
      TrustManager[] trust;
      if (config.isTrustCerts()) {
        trust = new TrustManager[] {new TrustAll()};
      } else {
        String ca = pem(config.getCaCertData(), config.getCaCertFile());
        if (ca == null) {
          trust = null; // the JDK's default trust store
        } else {
          KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
          store.load(null, null);
          int i = 0;
          for (X509Certificate c : certificates(ca)) {
            store.setCertificateEntry("ca-" + i++, c);
          }
          TrustManagerFactory factory =
              TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          factory.init(store);
          trust = factory.getTrustManagers();
        }
      }
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(keys, trust, null);
      String token = config.getOauthToken();
      return Optional.of(
          new DirectApi(
              ssl,
              config.isTrustCerts(),
              config.getMasterUrl(),
              token == null ? null : "Bearer " + token));
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      return Optional.empty(); // fabric8 will do it, or say what is wrong
    }
  }

  /**
   * GETs {@code pathAndQuery} (e.g. {@code /api/v1/pods?limit=10}) as JSON. HttpsURLConnection, not
   * java.net.http: the latter's selector thread delays JVM exit by ~300 ms on JDK 17.
   */
  Response get(String pathAndQuery) throws IOException {
    HttpsURLConnection connection =
        (HttpsURLConnection) URI.create(server + pathAndQuery).toURL().openConnection();
    connection.setSSLSocketFactory(ssl.getSocketFactory());
    if (skipVerify) {
      connection.setHostnameVerifier((host, session) -> true); // insecure-skip-tls-verify
    }
    connection.setConnectTimeout(5_000);
    connection.setReadTimeout(30_000);
    connection.setRequestProperty("Accept", "application/json");
    // Large lists compress ~10x; decrypting and reading fewer bytes beats inflating them (zlib is
    // native, TLS decryption in a short-lived JVM is not yet compiled).
    connection.setRequestProperty("Accept-Encoding", "gzip");
    if (authorization != null) {
      connection.setRequestProperty("Authorization", authorization);
    }
    int code = connection.getResponseCode();
    InputStream body = code >= 400 ? connection.getErrorStream() : connection.getInputStream();
    if (body == null) {
      return new Response(code, InputStream.nullInputStream());
    }
    if ("gzip".equalsIgnoreCase(connection.getContentEncoding())) {
      body = new GZIPInputStream(body, 64 * 1024);
    }
    return new Response(code, body);
  }

  private static String pem(String base64Data, String file) throws IOException {
    if (base64Data != null && !base64Data.isBlank()) {
      return new String(Base64.getMimeDecoder().decode(base64Data), StandardCharsets.US_ASCII);
    }
    if (file != null && !file.isBlank()) {
      return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    }
    return null;
  }

  private static X509Certificate[] certificates(String pem) throws GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    return factory
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
        .stream()
        .map(X509Certificate.class::cast)
        .toArray(X509Certificate[]::new);
  }

  /** PKCS#8 (RSA or EC) or PKCS#1 RSA; empty for other forms (encrypted, SEC1 EC). */
  static Optional<PrivateKey> privateKey(String pem) throws GeneralSecurityException {
    byte[] der;
    if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
      der = body(pem, "PRIVATE KEY");
    } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      der = pkcs1ToPkcs8(body(pem, "RSA PRIVATE KEY"));
    } else {
      return Optional.empty();
    }
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return Optional.of(
            KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
      } catch (java.security.spec.InvalidKeySpecException wrongAlgorithm) {
        // try the next
      }
    }
    return Optional.empty();
  }

  private static byte[] body(String pem, String type) {
    int start =
        pem.indexOf("-----BEGIN " + type + "-----") + ("-----BEGIN " + type + "-----").length();
    int end = pem.indexOf("-----END " + type + "-----", start);
    return Base64.getMimeDecoder().decode(pem.substring(start, end));
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo, as the JDK only reads the latter. */
  private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] content = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, content, 0, version.length);
    System.arraycopy(algorithm, 0, content, version.length, algorithm.length);
    System.arraycopy(octets, 0, content, version.length + algorithm.length, octets.length);
    return der(0x30, content);
  }

  private static byte[] der(int tag, byte[] content) {
    byte[] length;
    if (content.length < 0x80) {
      length = new byte[] {(byte) content.length};
    } else {
      byte[] digits = BigInteger.valueOf(content.length).toByteArray();
      int skip = digits[0] == 0 ? 1 : 0;
      length = new byte[digits.length - skip + 1];
      length[0] = (byte) (0x80 | (digits.length - skip));
      System.arraycopy(digits, skip, length, 1, digits.length - skip);
    }
    byte[] out = new byte[1 + length.length + content.length];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, content.length);
    return out;
  }

  /** Presents one certificate chain and key, whatever the server asks. */
  private static final class FixedKeyManager extends X509ExtendedKeyManager {
    private final X509Certificate[] chain;
    private final PrivateKey key;

    FixedKeyManager(X509Certificate[] chain, PrivateKey key) {
      this.chain = chain;
      this.key = key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "client";
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }
  }

  /** insecure-skip-tls-verify: the user asked for it in the kubeconfig. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
