package dev.sentinels.cli.spec;

import java.util.Optional;
import java.util.regex.Pattern;

/** The syntax rules of spec values: Kubernetes names and labels, paths and durations. */
public final class Formats {

  /** RFC 1123 label, as Kubernetes requires for most object names. */
  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

  private static final Pattern LABEL = Pattern.compile(DNS_LABEL);
  private static final Pattern SUBDOMAIN = Pattern.compile(DNS_LABEL + "(\\." + DNS_LABEL + ")*");

  /** Kubernetes label values and the name part of label keys (also used for projects). */
  private static final Pattern LABEL_NAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
  private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]+");

  private Formats() {}

  public static boolean isDnsLabel(String text) {
    return text.length() <= 63 && LABEL.matcher(text).matches();
  }

  static boolean isDnsSubdomain(String text) {
    return text.length() <= 253 && SUBDOMAIN.matcher(text).matches();
  }

  static boolean isEnvName(String text) {
    return ENV_NAME.matcher(text).matches();
  }

  static boolean isParamName(String text) {
    return text.length() <= 250 && PARAM_NAME.matcher(text).matches();
  }

  /** {@code team} or {@code example.com/team}. */
  static boolean isLabelKey(String text) {
    int slash = text.lastIndexOf('/');
    String name = text.substring(slash + 1);
    boolean prefixValid = slash < 0 || isDnsSubdomain(text.substring(0, slash));
    return prefixValid && name.length() <= 63 && LABEL_NAME.matcher(name).matches();
  }

  /** Empty, or up to 63 letters, digits, '-', '_' and '.' starting and ending alphanumeric. */
  static boolean isLabelValue(String text) {
    return text.isEmpty() || (text.length() <= 63 && LABEL_NAME.matcher(text).matches());
  }

  /** An absolute path that cannot climb out of where it points: no {@code ..} segments. */
  static boolean isAbsolutePath(String text) {
    return text.startsWith("/") && !climbs(text);
  }

  static boolean isRelativePath(String text) {
    return !text.isEmpty() && !text.startsWith("/") && !climbs(text);
  }

  private static boolean climbs(String path) {
    for (String segment : path.split("/")) {
      if (segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /** {@code /data/} and {@code /data} are the same mount point. */
  static String normalizedPath(String path) {
    String collapsed = path.replaceAll("/+", "/");
    return collapsed.length() > 1 && collapsed.endsWith("/")
        ? collapsed.substring(0, collapsed.length() - 1)
        : collapsed;
  }

  /** Whether {@code path} is {@code dir} or below it. */
  static boolean isWithin(String path, String dir) {
    String p = normalizedPath(path);
    String d = normalizedPath(dir);
    return p.equals(d) || p.startsWith(d.endsWith("/") ? d : d + "/");
  }

  /** A whole number that fits a long, or empty. */
  public static Optional<Long> wholeNumber(String text) {
    if (!WHOLE_NUMBER.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(text));
    } catch (NumberFormatException tooLarge) {
      return Optional.empty();
    }
  }
}
