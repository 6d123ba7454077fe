package dev.sentinels.cli.cluster;

/** Label and annotation keys Sentinels puts on Kubernetes objects. */
final class Labels {
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String MANAGED_BY_VALUE = "sentinels";
  static final String COMPONENT = "app.kubernetes.io/component";

  static final String JOB_ID = "sentinels.dev/job-id";
  static final String QUEUE = "sentinels.dev/queue";
  static final String STATE = "sentinels.dev/state";
  static final String PRIORITY = "sentinels.dev/priority";
  static final String USER = "sentinels.dev/user";

  /** {@code pending} while plugin work for a terminal transition is undelivered. */
  static final String HOOKS = "sentinels.dev/hooks";

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
