package com.ervc.node;

import ch.qos.logback.classic.Level;
import com.ervc.config.ConfigException;
import com.ervc.config.ConfigLoader;
import com.ervc.config.ServiceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts one node: {@code java -jar ervc.jar [--config FILE] [--roles a,b] [--debug]}. */
public final class Main {
  private static final String USAGE = """
      usage: ervc [--config FILE] [--roles gateway,pipeline,cache,providers] [--debug]
        --config FILE  JSON file overlaying the defaults (see config/enhanced_config.example.json)
        --roles LIST   roles of this node (default: all, i.e. single-node mode); same as NODE_ROLES
        --debug        log at DEBUG level; same as LOG_LEVEL=DEBUG
      Environment variables override both; docs/configuration.md lists every key.""";

  private Main() {
  }

  public static void main(String[] args) {
    ServiceConfig config;
    try {
      config = loadConfig(args, System.getenv());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    setLogLevel(config.logging().level());
    Logger log = LoggerFactory.getLogger(Main.class);
    Node node;
    try {
      node = Node.start(config, System.getenv()).await(2, TimeUnit.MINUTES);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      log.error("node did not start: {}", e.getMessage());
      System.exit(1);
      return;
    }
    long stopSeconds = config.node().shutdownDrainSeconds() + 30L;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down: draining streams and leaving the cluster");
      try {
        node.stop(stopSeconds, TimeUnit.SECONDS);
        log.info("stopped cleanly");
      } catch (Exception e) {
        log.warn("shutdown did not finish cleanly: {}", e.getMessage());
      }
    }, "ervc-shutdown"));
  }

  static ServiceConfig loadConfig(String[] args, Map<String, String> env) {
    Map<String, String> effectiveEnv = new HashMap<>(env);
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> file = Path.of(value(args, ++i, "--config"));
        case "--roles" -> effectiveEnv.putIfAbsent("NODE_ROLES", value(args, ++i, "--roles"));
        case "--debug" -> effectiveEnv.put("LOG_LEVEL", "DEBUG");
        case "--help", "-h" -> throw new IllegalArgumentException("Enhanced RealtimeVoiceChat node");
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "' in " + Arrays.toString(args));
      }
    }
    return ConfigLoader.load(file, effectiveEnv);
  }

  private static String value(String[] args, int index, String flag) {
    if (index >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[index];
  }

  private static void setLogLevel(String level) {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
  }
}
