package dev.sentinels.cli.cluster;

/** Label and annotation keys Sentinels puts on Kubernetes objects. */
final class Labels {
  /** Kubernetes' recommended labels, and Sentinels' own under its domain. */
  private static final String RECOMMENDED = "app.kubernetes.io/";

  private static final String OURS = "sentinels.dev/";

  static final String MANAGED_BY = RECOMMENDED + "managed-by";
  static final String MANAGED_BY_VALUE = "sentinels";
  static final String COMPONENT = RECOMMENDED + "component";

  static final String JOB_ID = OURS + "job-id";
  static final String QUEUE = OURS + "queue";
  static final String STATE = OURS + "state";
  static final String PRIORITY = OURS + "priority";
  static final String USER = OURS + "user";

  /** {@code pending} while plugin work for a terminal transition is undelivered. */
  static final String HOOKS = OURS + "hooks";

  static final String RECORD_KEY = "record.json";

  private Labels() {}

  /** A label value from free text: at most 63 of [A-Za-z0-9._-], alphanumeric at both ends. */
  static String labelValue(String text) {
    if (text == null) {
      return "";
    }
    String cleaned = text.replaceAll("[^A-Za-z0-9._-]", "_");
    if (cleaned.length() > 63) {
      cleaned = cleaned.substring(0, 63);
    }
    return cleaned.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
  }
}
