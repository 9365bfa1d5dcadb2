package com.ervc.health;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU, memory and disk use of this node as ratios 0-1 (negative when the platform cannot tell). */
public record SystemUsage(double cpu, double memory, double disk) {
  public static SystemUsage measure() {
    double cpu = -1;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      cpu = os.getCpuLoad();
    }
    Runtime rt = Runtime.getRuntime();
    double memory = (double) (rt.totalMemory() - rt.freeMemory()) / rt.maxMemory();
    double disk = -1;
    try {
      FileStore store = Files.getFileStore(Path.of("."));
      disk = store.getTotalSpace() == 0 ? -1 : 1.0 - (double) store.getUsableSpace() / store.getTotalSpace();
    } catch (IOException e) {
      // Unknown disk use stays negative; health reports it as such.
    }
    return new SystemUsage(cpu, memory, disk);
  }

  /** Memory or disk so full that the node will soon fail. */
  boolean critical() {
    return memory > 0.95 || disk > 0.95;
  }

  public JsonObject toJson() {
    return new JsonObject().put("cpu_usage", round(cpu)).put("memory_usage", round(memory)).put("disk_usage", round(disk));
  }

  private static double round(double ratio) {
    return Math.round(ratio * 1000) / 1000.0;
  }
}
