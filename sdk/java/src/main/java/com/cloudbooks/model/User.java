package com.cloudbooks.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** The caller's account ({@code cb.users().me()}). {@code plan} is the plan's slug. */
public record User(String id, String email, String name, String plan, Instant createdAt, Instant updatedAt) {
    public static User fromJson(JsonNode node) {
        return new User(Json.text(node, "id"), Json.text(node, "email"), Json.text(node, "name"),
                Json.text(node, "plan"), Json.instant(node, "created_at"), Json.instant(node, "updated_at"));
    }
}
