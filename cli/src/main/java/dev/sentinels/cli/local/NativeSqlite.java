package dev.sentinels.cli.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

/**
 * sqlite-jdbc copies its native library out of the jar into a temporary file on every start, about
 * a tenth of a second of each local command. Copied once into {@code ~/.cache/sentinels} instead,
 * and loaded from there; any problem falls back to the driver's own way.
 */
final class NativeSqlite {

  private static final String PATH_PROPERTY = "org.sqlite.lib.path";
  private static final String NAME_PROPERTY = "org.sqlite.lib.name";

  private NativeSqlite() {}

  static synchronized void useCachedLibrary() {
    if (System.getProperty(PATH_PROPERTY) != null) {
      return;
    }
    try {
      String folder = OSInfo.getNativeLibFolderPathForCurrentOS();
      String name = System.mapLibraryName("sqlitejdbc");
      if (name.endsWith(".dylib")) {
        name = "libsqlitejdbc.dylib";
      }
      Path dir =
          Path.of(
              System.getProperty("user.home"),
              ".cache",
              "sentinels",
              "sqlite-jdbc-" + SQLiteJDBCLoader.getVersion(),
              folder);
      Path library = dir.resolve(name);
      if (!Files.isRegularFile(library)) {
        try (InputStream in =
            SQLiteJDBCLoader.class.getResourceAsStream(
                "/org/sqlite/native/" + folder + "/" + name)) {
          if (in == null) {
            return;
          }
          Files.createDirectories(dir);
          Path partial = Files.createTempFile(dir, name, ".partial");
          Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
          Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      System.setProperty(PATH_PROPERTY, dir.toString());
      System.setProperty(NAME_PROPERTY, name);
    } catch (IOException | RuntimeException e) {
      // Read-only home, odd platform: the driver extracts to a temporary file as usual.
    }
  }
}
