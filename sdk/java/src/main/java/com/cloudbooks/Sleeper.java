package com.cloudbooks;

import java.time.Duration;

/** How the client waits between attempts. Tests pass one that records the delays instead. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
