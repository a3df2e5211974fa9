package com.cloudbooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The live {@code python3 dev.py sdk-server} every test talks to: the one ci.sh started (its
 * JSON line in {@code CLOUDBOOKS_SDK_SERVER}), or else one this JVM starts from the repository
 * root and stops with SIGTERM when it exits.
 */
final class LiveServer {
    record Info(String baseUrl, String email, String password, String apiKey, String readOnlyKey,
                String proEmail, String proPassword) {
    }

    private static Info info;

    private LiveServer() {
    }

    static synchronized Info get() {
        if (info == null) {
            String line = System.getenv("CLOUDBOOKS_SDK_SERVER");
            info = parse(line != null && !line.isBlank() ? line : start());
        }
        return info;
    }

    private static Info parse(String line) {
        try {
            JsonNode node = new ObjectMapper().readTree(line);
            return new Info(node.path("base_url").asText(), node.path("email").asText(),
                    node.path("password").asText(), node.path("api_key").asText(),
                    node.path("read_only_key").asText(), node.path("pro_email").asText(),
                    node.path("pro_password").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("not the sdk-server's JSON line: " + line, e);
        }
    }

    private static String start() {
        File root = new File("").getAbsoluteFile();
        while (root != null && !new File(root, "dev.py").isFile()) {
            root = root.getParentFile();
        }
        if (root == null) {
            throw new IllegalStateException("no dev.py above " + new File("").getAbsolutePath()
                    + ": set CLOUDBOOKS_SDK_SERVER to the sdk-server's JSON line");
        }
        try {
            Process server = new ProcessBuilder("python3", "dev.py", "sdk-server")
                    .directory(root)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.destroy(); // SIGTERM: the server stops cleanly
                try {
                    server.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }));
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("sdk-server exited before it was ready");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- Helpers shared by the tests ---------------------------------------------------

    /** Olive (free plan) by her read_write API key. */
    static CloudBooks olive() {
        return builder().apiKey(get().apiKey()).build();
    }

    /** A builder at the server, with a sleeper that records instead of sleeping. */
    static CloudBooks.Builder builder() {
        return CloudBooks.builder().baseUrl(get().baseUrl()).sleeper(new RecordingSleeper());
    }

    static CloudBooks.Builder builder(RecordingSleeper sleeper) {
        return CloudBooks.builder().baseUrl(get().baseUrl()).sleeper(sleeper);
    }

    /** Olive by login. */
    static CloudBooks oliveLogin() {
        return builder().login(get().email(), get().password());
    }

    /** Pablo (pro plan) by login. */
    static CloudBooks pablo() {
        return builder().login(get().proEmail(), get().proPassword());
    }

    /** A test-control header with a fresh id: {@code fault("503;times=1")}. */
    static RequestOptions fault(String control) {
        return faultBuilder(control).build();
    }

    static RequestOptions.Builder faultBuilder(String control) {
        String value = control.startsWith("expire-token") && !control.contains(";") ? control
                : insertId(control, UUID.randomUUID().toString());
        return RequestOptions.builder().header("CloudBooks-Test-Fault", value);
    }

    private static String insertId(String control, String id) {
        // "<status>;times=n" + ";id=x", keeping a trailing ";after-view" last.
        if (control.endsWith(";after-view")) {
            return control.substring(0, control.length() - ";after-view".length()) + ";id=" + id + ";after-view";
        }
        return control + ";id=" + id;
    }

    static String unique(String prefix) {
        return prefix + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Records each delay instead of sleeping, so the tests never wait and never time anything. */
    static final class RecordingSleeper implements Sleeper {
        private final List<Duration> delays = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void sleep(Duration duration) {
            delays.add(duration);
        }

        List<Duration> delays() {
            return List.copyOf(delays);
        }
    }
}
