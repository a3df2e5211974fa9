package com.cloudbooks.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * A project of an organization ({@code organization} is its id). {@code createdBy} is the
 * creator's user id, empty once that account is deleted.
 */
public record Project(String id, String organization, String name, String description, Optional<String> createdBy,
                      Instant createdAt, Instant updatedAt) {
    public static Project fromJson(JsonNode node) {
        return new Project(Json.text(node, "id"), Json.text(node, "organization"), Json.text(node, "name"),
                Json.text(node, "description"), Json.optText(node, "created_by"),
                Json.instant(node, "created_at"), Json.instant(node, "updated_at"));
    }
}
