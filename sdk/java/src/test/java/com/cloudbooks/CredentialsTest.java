package com.cloudbooks;

import static com.cloudbooks.LiveServer.fault;
import static com.cloudbooks.LiveServer.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbooks.exception.ApiException;
import com.cloudbooks.exception.AuthenticationException;
import com.cloudbooks.exception.PermissionDeniedException;
import com.cloudbooks.model.Credential;
import com.cloudbooks.model.Organization;
import com.cloudbooks.model.Project;
import com.cloudbooks.model.Scope;
import com.cloudbooks.model.User;
import com.cloudbooks.model.Whoami;
import com.cloudbooks.param.OrganizationCreateParams;
import com.cloudbooks.param.ProjectListParams;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Credentials: S1–S10. */
@Order(1)
class CredentialsTest {

    @Test
    void s1_olive_logs_in_and_the_client_knows_her() {
        try (CloudBooks cb = CloudBooks.login(get().email(), get().password(), get().baseUrl())) {
            assertEquals(get().email(), cb.user().orElseThrow().email());
            assertTrue(cb.accessToken().isPresent());
            User me = cb.users().me();
            assertEquals(get().email(), me.email());
        }
        // The same through auth().login on a client made without credentials.
        try (CloudBooks cb = CloudBooks.builder().baseUrl(get().baseUrl()).apiKey(null).build()) {
            User who = cb.auth().login(get().email(), get().password());
            assertEquals(get().email(), who.email());
            assertTrue(cb.accessToken().isPresent());
            assertEquals(who.id(), cb.users().me().id());
        }
    }

    @Test
    void s2_an_api_key_client_is_olive_and_an_unknown_key_is_a_401() {
        try (CloudBooks cb = LiveServer.olive()) {
            assertEquals(get().email(), cb.users().me().email());
        }
        try (CloudBooks cb = LiveServer.builder().apiKey("sk_live_" + "x".repeat(38)).build()) {
            AuthenticationException e = assertThrows(AuthenticationException.class, () -> cb.users().me());
            assertEquals(401, e.status());
            assertEquals("unauthorized", e.code());
        }
    }

    @Test
    void s3_whoami_with_a_key_describes_the_key_and_the_free_budget() {
        try (CloudBooks cb = LiveServer.olive()) {
            Whoami who = cb.auth().whoami();
            assertEquals(get().email(), who.user().email());
            Credential.ApiKey key = assertInstanceOf(Credential.ApiKey.class, who.credential());
            assertEquals(Scope.READ_WRITE, key.scope());
            assertFalse(key.id().isEmpty());
            assertFalse(key.name().isEmpty());
            assertTrue(get().apiKey().startsWith(key.prefix()), key.prefix());
            assertTrue(key.expiresAt().isEmpty());
            assertTrue(key.createdAt().isBefore(Instant.now().plusSeconds(60)));
            assertEquals("free", who.rateLimit().plan());
            assertEquals(1000, who.rateLimit().limit().getAsInt());
            assertTrue(who.rateLimit().remaining().getAsInt() < 1000);
            assertTrue(who.rateLimit().reset().orElseThrow().isAfter(Instant.now().minusSeconds(5)));
        }
    }

    @Test
    void s4_whoami_with_a_login_describes_the_access_token_and_pablos_pro_budget() {
        try (CloudBooks cb = LiveServer.oliveLogin()) {
            Whoami who = cb.auth().whoami();
            Credential.AccessToken token = assertInstanceOf(Credential.AccessToken.class, who.credential());
            assertEquals(Scope.READ_WRITE, token.scope());
            assertTrue(token.expiresAt().orElseThrow().isAfter(Instant.now()));
        }
        try (CloudBooks cb = LiveServer.pablo()) {
            Whoami who = cb.auth().whoami();
            assertEquals("pro", who.rateLimit().plan());
            assertEquals(10000, who.rateLimit().limit().getAsInt());
        }
    }

    @Test
    void s5_a_read_only_key_reads_but_cannot_write() {
        try (CloudBooks cb = LiveServer.builder().apiKey(get().readOnlyKey()).build()) {
            assertEquals(Scope.READ_ONLY, cb.auth().whoami().credential().scope());
            cb.organizations().list();
            String name = LiveServer.unique("Read-only");
            PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                    () -> cb.organizations().create(OrganizationCreateParams.builder().name(name).build()));
            assertEquals(403, e.status());
            assertEquals("forbidden", e.code());
            List<Organization> all = new ArrayList<>();
            cb.organizations().list().autoPagingIterable().forEach(all::add);
            assertTrue(all.stream().noneMatch(o -> o.name().equals(name)));
        }
    }

    @Test
    void s6_refresh_gives_a_new_access_token_that_works() {
        try (CloudBooks cb = LiveServer.oliveLogin()) {
            String before = cb.accessToken().orElseThrow();
            cb.auth().refresh();
            assertNotEquals(before, cb.accessToken().orElseThrow());
            assertEquals(get().email(), cb.users().me().email());
        }
    }

    @Test
    void s7_an_expired_token_is_renewed_once_without_the_caller_seeing_the_401() {
        try (CloudBooks cb = LiveServer.oliveLogin()) {
            String before = cb.accessToken().orElseThrow();
            User me = cb.users().me(fault("expire-token;times=1"));
            assertEquals(get().email(), me.email());
            assertNotEquals(before, cb.accessToken().orElseThrow());
        }
    }

    @Test
    void s7_threads_that_find_the_token_due_together_renew_it_once() throws Exception {
        // Refresh tokens rotate, and a used one presented again revokes the whole login: the
        // threads must share one renewal, made under the client's lock.
        try (CloudBooks cb = LiveServer.oliveLogin()) {
            String before = cb.accessToken().orElseThrow();
            cb.makeSessionDue();
            int threads = 4;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<User>> calls = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return cb.users().me();
                }));
            }
            start.countDown();
            for (Future<User> call : calls) {
                assertEquals(get().email(), call.get().email());
            }
            pool.shutdown();
            assertEquals(1, cb.renewals());
            assertNotEquals(before, cb.accessToken().orElseThrow());
        }
    }

    @Test
    void s7_a_401_met_by_several_threads_never_reuses_a_refresh_token() throws Exception {
        // Each thread's first attempt is refused; whatever the interleaving, no renewal may
        // present a refresh token that another already used (that would revoke the login).
        try (CloudBooks cb = LiveServer.oliveLogin()) {
            int threads = 4;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<User>> calls = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return cb.users().me(fault("expire-token;times=1"));
                }));
            }
            start.countDown();
            for (Future<User> call : calls) {
                assertEquals(get().email(), call.get().email());
            }
            pool.shutdown();
            assertTrue(cb.renewals() >= 1 && cb.renewals() <= threads, "renewals: " + cb.renewals());
            assertEquals(get().email(), cb.users().me().email());
        }
    }

    @Test
    void s8_a_401_that_renewal_cannot_cure_is_raised_after_one_renewal() {
        try (CloudBooks cb = LiveServer.oliveLogin()) {
            String before = cb.accessToken().orElseThrow();
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> cb.users().me(fault("expire-token")));
            assertEquals(401, e.status());
            assertEquals("unauthorized", e.code());
            assertNotEquals(before, cb.accessToken().orElseThrow());
        }
    }

    @Test
    void s9_logout_revokes_both_tokens_and_an_api_key_cannot_log_out() {
        String access;
        String refresh;
        try (CloudBooks cb = LiveServer.oliveLogin()) {
            access = cb.accessToken().orElseThrow();
            refresh = cb.refreshToken().orElseThrow();
            cb.auth().logout();
            assertTrue(cb.accessToken().isEmpty());
        }
        try (CloudBooks stale = LiveServer.builder().apiKey(access).build()) {
            assertThrows(AuthenticationException.class, () -> stale.users().me());
            assertThrows(AuthenticationException.class,
                    () -> stale.request("POST", "auth/refresh", Map.of("refresh", refresh), RequestOptions.none()));
        }
        try (CloudBooks cb = LiveServer.olive()) {
            PermissionDeniedException e = assertThrows(PermissionDeniedException.class, () -> cb.auth().logout());
            assertEquals(403, e.status());
        }
    }

    @Test
    void s10_a_bearer_token_never_leaves_its_host() throws IOException {
        List<Map<String, List<String>>> seen = Collections.synchronizedList(new ArrayList<>());
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            seen.add(Map.copyOf(exchange.getRequestHeaders()));
            byte[] body = "{\"next\": null, \"previous\": null, \"results\": []}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.start();
        String elsewhere = "http://127.0.0.1:" + other.getAddress().getPort() + "/v1/users/me";
        try (CloudBooks byKey = LiveServer.olive(); CloudBooks byLogin = LiveServer.oliveLogin()) {
            byKey.request("GET", elsewhere, null, RequestOptions.none());
            byLogin.request("GET", elsewhere, null, RequestOptions.none());
            // And the same host on another port is another origin too.
            assertEquals(2, seen.size());
            for (Map<String, List<String>> headers : seen) {
                assertTrue(headers.keySet().stream().noneMatch("Authorization"::equalsIgnoreCase), headers.toString());
            }
        } finally {
            other.stop(0);
        }
    }

    @Test
    void s10_next_links_and_redirects_cannot_carry_the_credential_elsewhere() throws IOException {
        List<String> elsewhere = Collections.synchronizedList(new ArrayList<>());
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            elsewhere.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        other.start();
        String otherOrigin = "http://127.0.0.1:" + other.getAddress().getPort();
        List<String> home = Collections.synchronizedList(new ArrayList<>());
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            String uri = exchange.getRequestURI().toString();
            home.add(uri + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            if (uri.startsWith("/v1/redirect")) {
                exchange.getResponseHeaders().add("Location", otherOrigin + "/v1/users/me");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            String page = uri.contains("cursor=") ? "{\"next\": null, \"results\": []}"
                    : "{\"next\": \"" + otherOrigin + "/v1/projects?cursor=c2&limit=1\", \"results\": [{\"id\": \"p1\","
                    + " \"organization\": \"o\", \"name\": \"P\", \"description\": \"\", \"created_by\": null}]}";
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
        String base = "http://127.0.0.1:" + api.getAddress().getPort() + "/v1";
        try (CloudBooks cb = CloudBooks.builder().baseUrl(base).apiKey("sk_live_secret").maxRetries(0).build()) {
            List<Project> all = StreamSupport.stream(
                    cb.projects().list(ProjectListParams.builder().limit(1).build()).autoPagingIterable().spliterator(),
                    false).toList();
            assertEquals(1, all.size());
            assertTrue(all.get(0).createdBy().isEmpty());
            // The next page was asked of the base URL, with the link's cursor.
            assertEquals(List.of("/v1/projects?limit=1 Bearer sk_live_secret",
                    "/v1/projects?cursor=c2&limit=1 Bearer sk_live_secret"), home);
            ApiException e = assertThrows(ApiException.class,
                    () -> cb.request("GET", "redirect", null, RequestOptions.none()));
            assertEquals(302, e.status());
            assertEquals(List.of(), elsewhere);
        } finally {
            api.stop(0);
            other.stop(0);
        }
    }
}
