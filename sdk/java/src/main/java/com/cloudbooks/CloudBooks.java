package com.cloudbooks;

import com.cloudbooks.exception.ApiConnectionException;
import com.cloudbooks.exception.ApiException;
import com.cloudbooks.exception.ApiServerException;
import com.cloudbooks.exception.ApiTimeoutException;
import com.cloudbooks.exception.AuthenticationException;
import com.cloudbooks.exception.ConflictException;
import com.cloudbooks.exception.InvalidRequestException;
import com.cloudbooks.exception.NotFoundException;
import com.cloudbooks.exception.PayloadTooLargeException;
import com.cloudbooks.exception.PermissionDeniedException;
import com.cloudbooks.exception.RateLimitException;
import com.cloudbooks.exception.ServiceUnavailableException;
import com.cloudbooks.exception.UnsupportedMediaTypeException;
import com.cloudbooks.model.User;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CloudBooks API client. Thread-safe: make one and share it; close it when done.
 *
 * <pre>{@code
 * try (CloudBooks cb = CloudBooks.builder().apiKey("sk_live_...").build()) {   // or CLOUDBOOKS_API_KEY
 *     User me = cb.users().me();
 * }
 * try (CloudBooks cb = CloudBooks.login("you@example.com", "password", "http://127.0.0.1:8000/v1")) {
 *     // renews its access token itself: before it expires, and once after a 401
 * }
 * }</pre>
 *
 * <p>Every POST carries an {@code Idempotency-Key} (generated unless given in
 * {@link RequestOptions}), the same on each retry. GET, HEAD, OPTIONS, PUT, PATCH and DELETE,
 * and a POST with its key, are retried after a connection error, a 429 or a 500/502/503/504,
 * up to {@code maxRetries} times with exponential backoff and jitter; a {@code Retry-After} is
 * honoured up to {@code maxRetryAfter}, beyond which the error is raised at once. PATCH is
 * retried because the API's PATCH sets fields to values: sending it twice has the effect of
 * sending it once.
 */
public final class CloudBooks implements AutoCloseable {
    public static final String VERSION = "0.1.0";
    public static final String DEFAULT_BASE_URL = "https://api.cloudbooks.com/v1";

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ALWAYS_RETRYABLE = Set.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE");
    private static final Set<Integer> RETRY_STATUSES = Set.of(429, 500, 502, 503, 504);
    // Renew a login's access token this long before it expires, so no request races expiry.
    private static final Duration REFRESH_LEEWAY = Duration.ofSeconds(30);
    private static final String USER_AGENT = "cloudbooks-sdk-java/" + VERSION + " java/"
            + System.getProperty("java.version");

    private final URI baseUri;
    private final String apiKey;
    private final Duration timeout;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final Sleeper sleeper;
    private final Map<String, String> defaultHeaders;
    private final ExecutorService executor;
    private final HttpClient http;

    private final ReentrantLock sessionLock = new ReentrantLock();
    private volatile Session session;
    private volatile User user;
    private volatile ResponseInfo lastResponse;
    private volatile RateLimit rateLimit;
    private volatile boolean closed;
    // How many times this client renewed its login (read by the SDK's own tests).
    private final AtomicInteger renewals = new AtomicInteger();

    private final UserService users;
    private final OrganizationService organizations;
    private final ProjectService projects;
    private final AuthService auth;

    private record Session(String access, String refresh, Instant refreshAt) {
        static Session from(JsonNode body) {
            long expiresIn = body.path("expires_in").asLong(0);
            Duration leeway = REFRESH_LEEWAY.compareTo(Duration.ofSeconds(expiresIn / 2)) < 0
                    ? REFRESH_LEEWAY : Duration.ofSeconds(expiresIn / 2);
            return new Session(body.path("token").asText(), body.path("refresh").asText(),
                    Instant.now().plusSeconds(expiresIn).minus(leeway));
        }
    }

    private CloudBooks(Builder builder, String apiKey) {
        String base = builder.baseUrl != null ? builder.baseUrl : System.getenv("CLOUDBOOKS_BASE_URL");
        if (base == null || base.isBlank()) {
            base = DEFAULT_BASE_URL;
        }
        this.baseUri = URI.create(base.endsWith("/") ? base : base + "/");
        if (baseUri.getScheme() == null || baseUri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL: " + base);
        }
        this.apiKey = apiKey;
        this.timeout = builder.timeout;
        this.maxRetries = builder.maxRetries;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.maxRetryAfter = builder.maxRetryAfter;
        this.sleeper = builder.sleeper;
        this.defaultHeaders = Map.copyOf(builder.headers);
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "cloudbooks-http");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                // Never follow a redirect: it could carry the credential to another origin.
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .executor(executor)
                .build();
        this.users = new UserService(this);
        this.organizations = new OrganizationService(this);
        this.projects = new ProjectService(this);
        this.auth = new AuthService(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A client signed in with email and password at {@code baseUrl} (other settings default). */
    public static CloudBooks login(String email, String password, String baseUrl) {
        return builder().baseUrl(baseUrl).login(email, password);
    }

    // --- Resources ---------------------------------------------------------------------

    public UserService users() {
        return users;
    }

    public OrganizationService organizations() {
        return organizations;
    }

    public ProjectService projects() {
        return projects;
    }

    public AuthService auth() {
        return auth;
    }

    // --- State -------------------------------------------------------------------------

    /** The base URL, ending with {@code /}. */
    public URI baseUrl() {
        return baseUri;
    }

    /** The user of a login (as the login answered), empty for an API-key client. */
    public Optional<User> user() {
        return Optional.ofNullable(user);
    }

    /** The current access token of a login, empty for an API-key client or after logout. */
    public Optional<String> accessToken() {
        Session current = session;
        return current == null ? Optional.empty() : Optional.of(current.access());
    }

    /** The current refresh token of a login. */
    public Optional<String> refreshToken() {
        Session current = session;
        return current == null ? Optional.empty() : Optional.of(current.refresh());
    }

    /**
     * The last successful answer's status, request id, headers and budget. Shared by the
     * threads using this client: in concurrent code, read it only where calls do not overlap.
     */
    public Optional<ResponseInfo> lastResponse() {
        return Optional.ofNullable(lastResponse);
    }

    /** The budget as of the last authenticated answer; empty on unlimited plans. */
    public Optional<RateLimit> rateLimit() {
        return Optional.ofNullable(rateLimit);
    }

    // --- Credentials (used by AuthService) ---------------------------------------------

    /** Signs this client in: from now on it sends the login's access token. */
    User signIn(String email, String password, RequestOptions options) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("password", password);
        JsonNode answer = parse(send("POST", "auth/login", body, options, false).body());
        User who = User.fromJson(answer.path("user"));
        sessionLock.lock();
        try {
            session = Session.from(answer);
            user = who;
        } finally {
            sessionLock.unlock();
        }
        return who;
    }

    /** Renews the access token now (it also happens on its own). */
    void refreshSession(RequestOptions options) {
        sessionLock.lock();
        try {
            refreshLocked(options);
        } finally {
            sessionLock.unlock();
        }
    }

    /** Revokes the login's tokens on the server and forgets them. */
    void endSession(RequestOptions options) {
        Session current = session;
        Map<String, Object> body = current == null ? Map.of() : Map.of("refresh", current.refresh());
        // With an API key the server refuses (403): keys are revoked on the dashboard.
        send("POST", "auth/logout", body, options, true);
        sessionLock.lock();
        try {
            if (session == current) {
                session = null;
            }
        } finally {
            sessionLock.unlock();
        }
    }

    private void refreshLocked(RequestOptions options) {
        Session current = session;
        if (current == null) {
            throw new IllegalStateException("refresh() renews a login; this client uses an API key");
        }
        JsonNode answer = parse(send("POST", "auth/refresh", Map.of("refresh", current.refresh()),
                options, false).body());
        session = Session.from(answer);
        renewals.incrementAndGet();
    }

    int renewals() {
        return renewals.get();
    }

    /** For the SDK's tests: the login's access token is due for renewal, as if it were about to expire. */
    void makeSessionDue() {
        sessionLock.lock();
        try {
            Session current = session;
            if (current != null) {
                session = new Session(current.access(), current.refresh(), Instant.EPOCH);
            }
        } finally {
            sessionLock.unlock();
        }
    }

    /** The credential for the next request, renewing a login's token when it is due. */
    private String bearer() {
        Session current = session;
        if (current != null && Instant.now().isAfter(current.refreshAt())) {
            sessionLock.lock();
            try {
                // Another thread may have renewed it while this one waited for the lock.
                if (session == current) {
                    refreshLocked(RequestOptions.none());
                }
            } finally {
                sessionLock.unlock();
            }
        }
        current = session;
        return current != null ? current.access() : apiKey;
    }

    // --- Requests ----------------------------------------------------------------------

    /**
     * Calls any endpoint: {@code path} relative to the base URL ({@code "projects?limit=5"}) or
     * an absolute URL. {@code body} (a Map, a List, or anything Jackson writes) is sent as JSON.
     * Returns the decoded answer ({@code NullNode} for an empty one). The credential is sent only
     * to the base URL's origin.
     */
    public JsonNode request(String method, String path, Object body, RequestOptions options) {
        return parse(send(method, path, body, options, true).body());
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return NullNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ApiConnectionException("The CloudBooks API answered with invalid JSON: " + e.getMessage(), e);
        }
    }

    private HttpResponse<byte[]> send(String method, String path, Object body, RequestOptions options,
                                      boolean authenticated) {
        if (closed) {
            throw new IllegalStateException("this CloudBooks client is closed");
        }
        RequestOptions opts = options == null ? RequestOptions.none() : options;
        String verb = method.toUpperCase(Locale.ROOT);
        URI uri = resolve(path);
        boolean sameOrigin = sameOrigin(uri);
        String idempotencyKey = null;
        if (verb.equals("POST") && !opts.idempotencyKeyDisabled()) {
            idempotencyKey = opts.idempotencyKey().orElseGet(() -> UUID.randomUUID().toString());
        }
        boolean retryable = ALWAYS_RETRYABLE.contains(verb) || idempotencyKey != null;
        int retries = opts.maxRetries().orElse(maxRetries);
        byte[] payload = body == null ? null : encode(body);

        int attempt = 0;
        boolean renewed = false;
        while (true) {
            String bearer = authenticated && sameOrigin ? bearer() : null;
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(opts.timeout().orElse(timeout))
                    .header("User-Agent", USER_AGENT)
                    .header("Accept", "application/json")
                    .method(verb, payload == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(payload));
            Map<String, String> headers = new LinkedHashMap<>(defaultHeaders);
            if (payload != null) {
                headers.put("Content-Type", "application/json");
            }
            if (idempotencyKey != null) {
                headers.put("Idempotency-Key", idempotencyKey);
            }
            if (bearer != null) {
                headers.put("Authorization", "Bearer " + bearer);
            }
            headers.putAll(opts.headers());
            if (!sameOrigin) {
                headers.keySet().removeIf(name -> name.equalsIgnoreCase("Authorization"));
            }
            headers.forEach(request::setHeader);

            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                ApiConnectionException error = e instanceof HttpTimeoutException
                        ? new ApiTimeoutException("The CloudBooks API did not answer in time: " + e.getMessage(), e)
                        : new ApiConnectionException("Could not reach the CloudBooks API at " + uri + ": " + e, e);
                if (retryable && attempt < retries) {
                    pause(backoff(attempt));
                    attempt++;
                    continue;
                }
                throw error;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiConnectionException("Interrupted while calling the CloudBooks API", e);
            }

            Map<String, List<String>> responseHeaders = response.headers().map();
            Optional<RateLimit> budget = bearer != null ? RateLimit.fromHeaders(responseHeaders) : Optional.empty();
            if (bearer != null) {
                rateLimit = budget.orElse(null);
            }
            int status = response.statusCode();
            if (status == 401 && bearer != null && !renewed && session != null) {
                // Expired or revoked before our clock said so: renew once, then retry once.
                renewed = true;
                renewAfter401(bearer);
                continue;
            }
            if (RETRY_STATUSES.contains(status) && retryable && attempt < retries) {
                Optional<Duration> delay = retryDelay(attempt, responseHeaders);
                if (delay.isPresent()) {
                    pause(delay.get());
                    attempt++;
                    continue;
                }
            }
            if (status >= 300) {
                throw error(status, responseHeaders, response.body());
            }
            lastResponse = new ResponseInfo(status, RateLimit.first(responseHeaders, "X-Request-Id"), budget,
                    responseHeaders);
            return response;
        }
    }

    private void renewAfter401(String usedBearer) {
        sessionLock.lock();
        try {
            Session current = session;
            if (current != null && current.access().equals(usedBearer)) {
                refreshLocked(RequestOptions.none());
            }
        } finally {
            sessionLock.unlock();
        }
    }

    private URI resolve(String path) {
        Objects.requireNonNull(path, "path");
        if (path.startsWith("http://") || path.startsWith("https://")) {
            return URI.create(path);
        }
        return baseUri.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    private boolean sameOrigin(URI uri) {
        return baseUri.getScheme().equalsIgnoreCase(uri.getScheme())
                && baseUri.getHost().equalsIgnoreCase(uri.getHost())
                && port(baseUri) == port(uri);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static byte[] encode(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request body cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** Exponential backoff with "equal jitter": half of it fixed, half random. */
    private Duration backoff(int attempt) {
        long ceiling = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(attempt, 20));
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** How long to wait before the next attempt, or empty to give up now. */
    private Optional<Duration> retryDelay(int attempt, Map<String, List<String>> headers) {
        Optional<Duration> retryAfter = RateLimit.parseRetryAfter(RateLimit.first(headers, "Retry-After"));
        if (retryAfter.isEmpty()) {
            return Optional.of(backoff(attempt));
        }
        // E.g. an hourly budget spent: whether to wait that long is the caller's decision.
        return retryAfter.get().compareTo(maxRetryAfter) > 0 ? Optional.empty() : retryAfter;
    }

    private void pause(Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiConnectionException("Interrupted while waiting to retry", e);
        }
    }

    private static ApiException error(int status, Map<String, List<String>> headers, byte[] body) {
        JsonNode error = NullNode.getInstance();
        try {
            if (body != null && body.length > 0) {
                error = JSON.readTree(body).path("error");
            }
        } catch (IOException notJson) {
            // A proxy's HTML page, say: the status still tells what happened.
        }
        String message = error.path("message").asText("");
        if (message.isEmpty()) {
            message = body == null || body.length == 0 ? "HTTP " + status
                    : "HTTP " + status + ": " + new String(body, StandardCharsets.UTF_8);
        }
        String code = error.path("code").asText("");
        if (code.isEmpty()) {
            code = "http_" + status;
        }
        Map<String, Object> details = error.path("details").isObject()
                ? Collections.unmodifiableMap(JSON.convertValue(error.path("details"),
                        new TypeReference<LinkedHashMap<String, Object>>() { }))
                : Map.of();
        String requestId = error.path("request_id").asText("");
        if (requestId.isEmpty()) {
            requestId = Optional.ofNullable(RateLimit.first(headers, "X-Request-Id")).orElse("");
        }
        return switch (status) {
            case 400, 422 -> new InvalidRequestException(message, status, code, details, requestId, headers);
            case 401 -> new AuthenticationException(message, status, code, details, requestId, headers);
            case 403 -> new PermissionDeniedException(message, status, code, details, requestId, headers);
            case 404 -> new NotFoundException(message, status, code, details, requestId, headers);
            case 409 -> new ConflictException(message, status, code, details, requestId, headers);
            case 413 -> new PayloadTooLargeException(message, status, code, details, requestId, headers);
            case 415 -> new UnsupportedMediaTypeException(message, status, code, details, requestId, headers);
            case 429 -> new RateLimitException(message, status, code, details, requestId, headers);
            case 503 -> new ServiceUnavailableException(message, status, code, details, requestId, headers);
            default -> status >= 500
                    ? new ApiServerException(message, status, code, details, requestId, headers)
                    : new ApiException(message, status, code, details, requestId, headers);
        };
    }

    // --- Lifetime ----------------------------------------------------------------------

    /** Releases the client's threads; calls made afterwards fail. */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        String kind = session != null ? "login" : apiKey != null ? "api key" : "anonymous";
        return "CloudBooks(" + baseUri + ", " + kind + ")";
    }

    /** Settings of a client; {@link #build()} for an API key, {@link #login} for a login. */
    public static final class Builder {
        private String apiKey;
        private String baseUrl;
        private Duration timeout = Duration.ofSeconds(30);
        private int maxRetries = 2;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(8);
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private Sleeper sleeper = Sleeper.SYSTEM;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder() {
        }

        /** The API key ({@code sk_live_…}); the environment's {@code CLOUDBOOKS_API_KEY} otherwise. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** E.g. {@code http://127.0.0.1:8000/v1}; {@code CLOUDBOOKS_BASE_URL} or the public API otherwise. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** Connect and per-attempt timeout (30 seconds by default). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Retries after a connection error, 429 or 5xx (2 by default); 0 turns them off. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be 0 or more");
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** The first backoff (0.5 s); it doubles each retry, up to {@link #maxBackoff}. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = Objects.requireNonNull(initialBackoff);
            return this;
        }

        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = Objects.requireNonNull(maxBackoff);
            return this;
        }

        /** The longest {@code Retry-After} waited for (60 s); a longer one raises at once. */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = Objects.requireNonNull(maxRetryAfter);
            return this;
        }

        /** How to wait between attempts (tests pass a recorder). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper);
            return this;
        }

        /** A header sent with every request. */
        public Builder header(String name, String value) {
            this.headers.put(name, value);
            return this;
        }

        /** A client that sends the API key (or none: then only login and refresh work). */
        public CloudBooks build() {
            return new CloudBooks(this, apiKey != null ? apiKey : System.getenv("CLOUDBOOKS_API_KEY"));
        }

        /** A client signed in with email and password; it never falls back to an API key. */
        public CloudBooks login(String email, String password) {
            CloudBooks client = new CloudBooks(this, null);
            try {
                client.signIn(email, password, RequestOptions.none());
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
            return client;
        }
    }
}
