package com.cloudbooks;

import static com.cloudbooks.LiveServer.fault;
import static com.cloudbooks.LiveServer.get;
import static com.cloudbooks.LiveServer.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbooks.LiveServer.RecordingSleeper;
import com.cloudbooks.exception.ApiConnectionException;
import com.cloudbooks.exception.ApiException;
import com.cloudbooks.exception.ApiTimeoutException;
import com.cloudbooks.exception.RateLimitException;
import com.cloudbooks.exception.ServiceUnavailableException;
import com.cloudbooks.model.Organization;
import com.cloudbooks.model.Project;
import com.cloudbooks.param.OrganizationCreateParams;
import com.cloudbooks.param.OrganizationUpdateParams;
import com.cloudbooks.param.ProjectCreateParams;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Retries and idempotency: S28–S33, and the per-request timeout. */
@Order(6)
class RetriesTest {

    private static CloudBooks olive(RecordingSleeper sleeper) {
        return LiveServer.builder(sleeper).apiKey(get().apiKey()).build();
    }

    private static long named(CloudBooks cb, Organization org, String name) {
        return ErrorsTest.projectsOf(cb, org).stream().filter(p -> p.name().equals(name)).count();
    }

    @Test
    void s28_every_post_carries_a_generated_key_and_its_retry_sends_the_same() throws IOException {
        List<String> keys = Collections.synchronizedList(new ArrayList<>());
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"id\": \"o1\", \"name\": \"Acme\", \"slug\": \"acme\", \"description\": \"\","
                    + " \"role\": \"owner\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(keys.size() == 1 ? 503 : 201, keys.size() == 1 ? -1 : body.length);
            if (keys.size() > 1) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        api.start();
        RecordingSleeper sleeper = new RecordingSleeper();
        try (CloudBooks cb = CloudBooks.builder().baseUrl("http://127.0.0.1:" + api.getAddress().getPort() + "/v1")
                .apiKey("sk_live_x").sleeper(sleeper).build()) {
            assertEquals("Acme", cb.organizations().create(OrganizationCreateParams.builder().name("Acme").build()).name());
            assertEquals(2, keys.size());
            assertTrue(keys.get(0) != null && !keys.get(0).isBlank());
            assertEquals(keys.get(0), keys.get(1));
            assertEquals(1, sleeper.delays().size());
        } finally {
            api.stop(0);
        }
    }

    @Test
    void s28_a_create_retried_after_a_503_makes_one_project() {
        RecordingSleeper sleeper = new RecordingSleeper();
        try (CloudBooks cb = olive(sleeper)) {
            Organization org = cb.organizations().create(OrganizationCreateParams.builder().name(unique("Retry")).build(),
                    fault("503;times=1"));
            assertEquals(1, sleeper.delays().size());
            assertEquals(org, cb.organizations().get(org.id()));

            String name = unique("Retried");
            Project project = cb.projects().create(ProjectCreateParams.builder().organization(org.id()).name(name).build(),
                    fault("503;times=1"));
            assertEquals(2, sleeper.delays().size());
            assertEquals(name, project.name());
            assertEquals(1, named(cb, org, name));
        }
    }

    @Test
    void s28_a_create_whose_answer_was_lost_is_replayed_not_made_twice() {
        RecordingSleeper sleeper = new RecordingSleeper();
        try (CloudBooks cb = olive(sleeper)) {
            String orgName = unique("Lost");
            Organization org = cb.organizations().create(OrganizationCreateParams.builder().name(orgName).build(),
                    fault("503;times=1;after-view"));
            assertTrue(cb.lastResponse().orElseThrow().idempotentReplayed());
            assertEquals(1, cb.organizations().list().autoPagingStream().filter(o -> o.name().equals(orgName)).count());

            String name = unique("Lost answer");
            Project project = cb.projects().create(ProjectCreateParams.builder().organization(org.id()).name(name).build(),
                    fault("503;times=1;after-view"));
            assertTrue(cb.lastResponse().orElseThrow().idempotentReplayed());
            assertEquals(2, sleeper.delays().size());
            assertEquals(project, cb.projects().get(project.id()));
            assertEquals(1, named(cb, org, name));
        }
    }

    @Test
    void s29_a_closed_port_is_retried_with_growing_jittered_delays_then_a_connection_error() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RecordingSleeper sleeper = new RecordingSleeper();
        try (CloudBooks cb = CloudBooks.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("sk_live_x")
                .maxRetries(3).sleeper(sleeper).build()) {
            ApiConnectionException e = assertThrows(ApiConnectionException.class, () -> cb.users().me());
            assertEquals("connection_error", e.code());
            assertFalse(e instanceof ApiTimeoutException);
            List<Duration> delays = sleeper.delays();
            assertEquals(3, delays.size());
            for (int i = 1; i < delays.size(); i++) {
                // Equal jitter: each delay is at least half of its doubled ceiling, so they never shrink.
                assertTrue(delays.get(i).compareTo(delays.get(i - 1)) >= 0, delays.toString());
            }
            assertTrue(delays.get(0).compareTo(Duration.ofMillis(250)) >= 0, delays.toString());
            assertTrue(delays.get(0).compareTo(Duration.ofMillis(500)) <= 0, delays.toString());

            assertThrows(ApiConnectionException.class,
                    () -> cb.organizations().create(OrganizationCreateParams.builder().name("Nowhere").build()));
            assertEquals(6, sleeper.delays().size());
        }
    }

    @Test
    void s30_a_429_is_retried_after_its_retry_after_not_the_backoff() {
        RecordingSleeper sleeper = new RecordingSleeper();
        try (CloudBooks cb = olive(sleeper)) {
            assertEquals(get().email(), cb.users().me(fault("429;times=1")).email());
            assertEquals(List.of(Duration.ofSeconds(1)), sleeper.delays());
        }
    }

    @Test
    void s30_a_retry_after_longer_than_the_ceiling_is_raised_at_once() {
        RecordingSleeper sleeper = new RecordingSleeper();
        try (CloudBooks cb = LiveServer.builder(sleeper).apiKey(get().apiKey())
                .maxRetryAfter(Duration.ofMillis(500)).build()) {
            RateLimitException e = assertThrows(RateLimitException.class, () -> cb.users().me(fault("429;times=1")));
            assertEquals(Duration.ofSeconds(1), e.retryAfter().orElseThrow());
            assertEquals(List.of(), sleeper.delays());
        }
    }

    @Test
    void s31_5xx_answers_are_retried_until_one_succeeds() {
        RecordingSleeper sleeper = new RecordingSleeper();
        try (CloudBooks cb = olive(sleeper)) {
            cb.users().me(fault("503;times=2"));
            assertEquals(2, sleeper.delays().size());
            for (String status : List.of("500", "502", "504")) {
                cb.users().me(fault(status + ";times=1"));
            }
            assertEquals(5, sleeper.delays().size());
        }
    }

    @Test
    void s32_retries_give_up_after_the_configured_number() {
        RecordingSleeper sleeper = new RecordingSleeper();
        try (CloudBooks cb = LiveServer.builder(sleeper).apiKey(get().apiKey()).maxRetries(2).build()) {
            ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
                    () -> cb.users().me(fault("503;times=10")));
            assertEquals(503, e.status());
            assertEquals(2, sleeper.delays().size());
        }
    }

    @Test
    void s33_a_post_without_a_key_is_not_retried_and_patch_is() {
        RecordingSleeper sleeper = new RecordingSleeper();
        try (CloudBooks cb = olive(sleeper)) {
            String name = unique("Unkeyed");
            RequestOptions once = LiveServer.faultBuilder("503;times=1").withoutIdempotencyKey().build();
            assertThrows(ServiceUnavailableException.class,
                    () -> cb.organizations().create(OrganizationCreateParams.builder().name(name).build(), once));
            assertEquals(List.of(), sleeper.delays());
            // The fault answered once, so exactly one attempt was made: the same call now goes through.
            Organization org = cb.organizations().create(OrganizationCreateParams.builder().name(name).build(), once);
            assertEquals(name, org.name());

            // PATCH sets fields to values, so the SDK retries it like PUT.
            Organization patched = cb.organizations().update(org.id(),
                    OrganizationUpdateParams.builder().description("Patched").build(), fault("503;times=1"));
            assertEquals("Patched", patched.description());
            assertEquals(1, sleeper.delays().size());
        }
    }

    @Test
    void a_request_that_takes_longer_than_its_timeout_is_a_timeout_error() throws IOException {
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.createContext("/", exchange -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        slow.start();
        try (CloudBooks cb = CloudBooks.builder().baseUrl("http://127.0.0.1:" + slow.getAddress().getPort() + "/v1")
                .apiKey("sk_live_x").build()) {
            ApiTimeoutException e = assertThrows(ApiTimeoutException.class, () -> cb.users().me(
                    RequestOptions.builder().timeout(Duration.ofMillis(200)).maxRetries(0).build()));
            assertEquals("timeout", e.code());
        } finally {
            slow.stop(0);
        }
    }

    @Test
    void an_error_that_is_not_the_envelope_still_has_its_status() throws IOException {
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            byte[] body = "<html>Bad gateway</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(405, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        proxy.start();
        try (CloudBooks cb = CloudBooks.builder().baseUrl("http://127.0.0.1:" + proxy.getAddress().getPort() + "/v1")
                .apiKey("sk_live_x").build()) {
            ApiException e = assertThrows(ApiException.class, () -> cb.users().me());
            assertEquals(405, e.status());
            assertEquals("http_405", e.code());
            assertNull(e.details().get("field"));
        } finally {
            proxy.stop(0);
        }
    }
}
