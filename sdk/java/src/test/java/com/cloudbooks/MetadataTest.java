package com.cloudbooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbooks.model.Whoami;
import java.time.Instant;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Metadata of a successful call: S27. */
@Order(5)
class MetadataTest {

    @Test
    void s27_the_request_id_and_budget_of_each_call_are_readable() {
        try (CloudBooks cb = LiveServer.olive()) {
            Whoami who = cb.auth().whoami();
            ResponseInfo info = cb.lastResponse().orElseThrow();
            assertEquals(200, info.status());
            assertTrue(info.requestId().startsWith("req_"), info.requestId());
            assertEquals(info.header("X-Request-Id").orElseThrow(), info.requestId());

            RateLimit budget = cb.rateLimit().orElseThrow();
            assertEquals(info.rateLimit().orElseThrow(), budget);
            assertEquals(1000, budget.limit());
            assertEquals(who.rateLimit().limit().getAsInt(), budget.limit());
            assertEquals(who.rateLimit().remaining().getAsInt(), budget.remaining());
            assertEquals(who.rateLimit().reset().orElseThrow(), budget.reset());
            assertTrue(budget.reset().isAfter(Instant.now()));

            cb.users().me();
            RateLimit next = cb.rateLimit().orElseThrow();
            assertEquals(budget.remaining() - 1, next.remaining());
            cb.users().me();
            assertEquals(next.remaining() - 1, cb.rateLimit().orElseThrow().remaining());
            assertTrue(!cb.lastResponse().orElseThrow().requestId().equals(info.requestId()));
        }
    }
}
