package dev.sentinels.plugins.broken;

import dev.sentinels.api.plugin.JobEvent;
import dev.sentinels.api.plugin.Notifier;
import dev.sentinels.api.plugin.PluginConfig;
import dev.sentinels.api.plugin.ResourceAlert;
import org.pf4j.Extension;

/** Fails to initialise, like a plugin built against a library that is not there. */
@Extension
public final class BrokenNotifier implements Notifier {

  static final String REQUIRED = required();

  private static String required() {
    throw new IllegalStateException("this plugin is broken on purpose");
  }

  @Override
  public void configure(PluginConfig config) {}

  @Override
  public void jobChanged(JobEvent event) {}

  @Override
  public void resourceAlert(ResourceAlert alert) {}
}
