package com.cloudbooks;

import static com.cloudbooks.LiveServer.fault;
import static com.cloudbooks.LiveServer.get;
import static com.cloudbooks.LiveServer.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbooks.exception.ApiException;
import com.cloudbooks.exception.ApiServerException;
import com.cloudbooks.exception.AuthenticationException;
import com.cloudbooks.exception.CloudBooksException;
import com.cloudbooks.exception.ConflictException;
import com.cloudbooks.exception.InvalidRequestException;
import com.cloudbooks.exception.NotFoundException;
import com.cloudbooks.exception.PayloadTooLargeException;
import com.cloudbooks.exception.PermissionDeniedException;
import com.cloudbooks.exception.RateLimitException;
import com.cloudbooks.exception.ServiceUnavailableException;
import com.cloudbooks.exception.UnsupportedMediaTypeException;
import com.cloudbooks.model.Organization;
import com.cloudbooks.model.Project;
import com.cloudbooks.model.Role;
import com.cloudbooks.param.MemberCreateParams;
import com.cloudbooks.param.OrganizationCreateParams;
import com.cloudbooks.param.ProjectCreateParams;
import com.cloudbooks.param.ProjectListParams;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Errors: S17–S26. Each carries status, code, message, details and the request id. */
@Order(4)
class ErrorsTest {

    /** The envelope's request id is the answer's X-Request-Id. */
    private static void assertEnvelope(ApiException e, int status, String code) {
        assertEquals(status, e.status());
        assertEquals(code, e.code());
        assertFalse(e.getMessage().isBlank());
        assertTrue(e.requestId().startsWith("req_"), e.requestId());
        assertEquals(e.header("X-Request-Id").orElseThrow(), e.requestId());
    }

    @Test
    void s17_invalid_requests_name_the_field_and_the_issue() {
        try (CloudBooks cb = LiveServer.olive()) {
            InvalidRequestException create = assertThrows(InvalidRequestException.class,
                    () -> cb.projects().create(ProjectCreateParams.builder()
                            .organization(UUID.randomUUID().toString()).name("Nowhere").build()));
            assertEnvelope(create, 400, "invalid_request");
            assertEquals("organization", create.field().orElseThrow());
            assertFalse(create.issue().orElseThrow().isBlank());

            InvalidRequestException list = assertThrows(InvalidRequestException.class,
                    () -> cb.projects().list(ProjectListParams.builder().limit(500).build()));
            assertEnvelope(list, 400, "invalid_request");
            assertEquals("limit", list.details().get("field"));
            assertFalse(list.issue().orElseThrow().isBlank());
        }
    }

    @Test
    void s18_a_wrong_key_is_unauthorized() {
        try (CloudBooks cb = LiveServer.builder().apiKey("sk_live_" + "Z".repeat(40)).build()) {
            CloudBooksException e = assertThrows(CloudBooksException.class, () -> cb.users().me());
            assertEnvelope(assertInstanceOf(AuthenticationException.class, e), 401, "unauthorized");
        }
    }

    @Test
    void s19_a_write_with_the_read_only_key_is_forbidden() {
        try (CloudBooks cb = LiveServer.builder().apiKey(get().readOnlyKey()).build()) {
            PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                    () -> cb.organizations().create(OrganizationCreateParams.builder().name(unique("No")).build()));
            assertEnvelope(e, 403, "forbidden");
        }
    }

    @Test
    void s20_a_member_cannot_delete_a_project_and_it_stays() {
        try (CloudBooks cb = LiveServer.olive(); CloudBooks pablo = LiveServer.pablo()) {
            Organization org = cb.organizations().create(OrganizationCreateParams.builder().name(unique("Roles")).build());
            Project project = cb.projects().create(ProjectCreateParams.builder().organization(org.id()).name("Kept").build());
            cb.organizations().members(org.id()).create(
                    MemberCreateParams.builder().email(get().proEmail()).role(Role.MEMBER).build());
            PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                    () -> pablo.projects().delete(project.id()));
            assertEnvelope(e, 403, "forbidden");
            assertEquals(project.id(), cb.projects().get(project.id()).id());
        }
    }

    @Test
    void s21_an_unknown_project_is_not_found() {
        try (CloudBooks cb = LiveServer.olive()) {
            NotFoundException e = assertThrows(NotFoundException.class,
                    () -> cb.projects().get(UUID.randomUUID().toString()));
            assertEnvelope(e, 404, "not_found");
        }
    }

    @Test
    void s22_the_only_owner_cannot_leave() {
        try (CloudBooks cb = LiveServer.olive()) {
            String me = cb.users().me().id();
            Organization org = cb.organizations().create(OrganizationCreateParams.builder().name(unique("Alone")).build());
            ConflictException e = assertThrows(ConflictException.class,
                    () -> cb.organizations().members(org.id()).delete(me));
            assertEnvelope(e, 409, "conflict");
            assertEquals(Role.OWNER, cb.organizations().members(org.id()).get(me).role());
        }
    }

    @Test
    void s23_a_body_over_one_mebibyte_is_too_large() {
        try (CloudBooks cb = LiveServer.olive()) {
            Organization org = cb.organizations().create(OrganizationCreateParams.builder().name(unique("Big")).build());
            String huge = "x".repeat(1024 * 1024 + 100 * 1024);
            PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class,
                    () -> cb.projects().create(ProjectCreateParams.builder()
                            .organization(org.id()).name("Huge").description(huge).build()));
            assertEnvelope(e, 413, "payload_too_large");
        }
    }

    @Test
    void s24_a_body_that_is_not_json_is_an_unsupported_media_type() {
        try (CloudBooks cb = LiveServer.olive()) {
            UnsupportedMediaTypeException e = assertThrows(UnsupportedMediaTypeException.class,
                    () -> cb.request("POST", "projects", Map.of("name", "Text"),
                            RequestOptions.builder().header("Content-Type", "text/plain").build()));
            assertEnvelope(e, 415, "unsupported_media_type");
        }
    }

    @Test
    void s25_an_idempotency_key_reused_with_another_body_is_a_422_and_with_the_same_body_a_replay() {
        try (CloudBooks cb = LiveServer.olive()) {
            Organization org = cb.organizations().create(OrganizationCreateParams.builder().name(unique("Keys")).build());
            RequestOptions key = RequestOptions.builder().idempotencyKey("s25-" + UUID.randomUUID()).build();
            ProjectCreateParams params = ProjectCreateParams.builder().organization(org.id()).name("Once").build();
            Project first = cb.projects().create(params, key);
            assertFalse(cb.lastResponse().orElseThrow().idempotentReplayed());

            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> cb.projects().create(
                    ProjectCreateParams.builder().organization(org.id()).name("Twice").build(), key));
            assertEnvelope(e, 422, "invalid_request");
            assertEquals("Idempotency-Key", e.field().orElseThrow());
            assertEquals(1, projectsOf(cb, org).size());

            Project again = cb.projects().create(params, key);
            assertTrue(cb.lastResponse().orElseThrow().idempotentReplayed());
            assertEquals(first, again);
            assertEquals(List.of(first), projectsOf(cb, org));
        }
    }

    @Test
    void s26_with_retries_off_429_and_5xx_are_raised_as_their_errors() {
        try (CloudBooks cb = LiveServer.builder().apiKey(get().apiKey()).maxRetries(0).build()) {
            RateLimitException limited = assertThrows(RateLimitException.class,
                    () -> cb.users().me(fault("429;times=1")));
            assertEnvelope(limited, 429, "rate_limit_exceeded");
            assertEquals(Duration.ofSeconds(1), limited.retryAfter().orElseThrow());
            // The test control answers before the budget is counted, so it carries no budget headers.

            ApiServerException internal = assertThrows(ApiServerException.class, () -> cb.users().me(fault("500;times=1")));
            assertEnvelope(internal, 500, "internal_error");
            ApiServerException badGateway = assertThrows(ApiServerException.class, () -> cb.users().me(fault("502;times=1")));
            assertEnvelope(badGateway, 502, "bad_gateway");
            ServiceUnavailableException unavailable = assertThrows(ServiceUnavailableException.class,
                    () -> cb.users().me(fault("503;times=1")));
            assertEnvelope(unavailable, 503, "service_unavailable");
            ApiServerException timeout = assertThrows(ApiServerException.class, () -> cb.users().me(fault("504;times=1")));
            assertEnvelope(timeout, 504, "gateway_timeout");
        }
    }

    @Test
    void a_budget_429_exposes_retry_after_limit_remaining_and_reset() {
        Map<String, List<String>> headers = Map.of("Retry-After", List.of("120"), "X-RateLimit-Limit", List.of("1000"),
                "X-RateLimit-Remaining", List.of("0"), "X-RateLimit-Reset", List.of("1796162400"));
        RateLimitException e = new RateLimitException("Rate limit exceeded", 429, "rate_limit_exceeded",
                Map.of("plan", "free", "limit", 1000, "reset", 1796162400), "req_1", headers);
        assertEquals(Duration.ofSeconds(120), e.retryAfter().orElseThrow());
        assertEquals(1000, e.limit().orElseThrow());
        assertEquals(0, e.remaining().orElseThrow());
        assertEquals(java.time.Instant.ofEpochSecond(1796162400), e.reset().orElseThrow());
        // A login limit's 429 has no budget headers: the details still give what they can.
        RateLimitException login = new RateLimitException("Too many attempts", 429, "rate_limit_exceeded",
                Map.of("retry_after", 30), "req_2", Map.of("Retry-After", List.of("30")));
        assertEquals(Duration.ofSeconds(30), login.retryAfter().orElseThrow());
        assertTrue(login.limit().isEmpty());
        assertTrue(login.remaining().isEmpty());
    }

    static List<Project> projectsOf(CloudBooks cb, Organization org) {
        return cb.projects().list(ProjectListParams.builder().organization(org.id()).limit(100).build())
                .autoPagingStream().toList();
    }
}
