package com.cloudbooks.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/** Who is calling, with which credential, and the budget left after this call. */
public record Whoami(User user, Credential credential, PlanBudget rateLimit) {

    /** The plan's budget; limit/remaining/reset are empty on unlimited plans. */
    public record PlanBudget(String plan, OptionalInt limit, OptionalInt remaining, Optional<Instant> reset) {
    }

    public static Whoami fromJson(JsonNode node) {
        JsonNode budget = node.path("rate_limit");
        return new Whoami(User.fromJson(node.path("user")), Credential.fromJson(node.path("credential")),
                new PlanBudget(Json.text(budget, "plan"), Json.optInt(budget, "limit"),
                        Json.optInt(budget, "remaining"),
                        Json.optLong(budget, "reset").isPresent()
                                ? Optional.of(Instant.ofEpochSecond(Json.optLong(budget, "reset").getAsLong()))
                                : Optional.empty()));
    }
}
