package com.cloudbooks.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/** An organization; {@code role} is the caller's role in it. */
public record Organization(String id, String name, String slug, String description, Optional<Role> role,
                           Instant createdAt, Instant updatedAt) {
    public static Organization fromJson(JsonNode node) {
        return new Organization(Json.text(node, "id"), Json.text(node, "name"), Json.text(node, "slug"),
                Json.text(node, "description"), Json.optText(node, "role").map(Role::fromValue),
                Json.instant(node, "created_at"), Json.instant(node, "updated_at"));
    }
}
