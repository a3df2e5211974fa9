package com.cloudbooks.model;

import com.fasterxml.jackson.databind.JsonNode;

/** Another user, as someone sharing an organization with them sees them. */
public record PublicUser(String id, String email, String name) {
    public static PublicUser fromJson(JsonNode node) {
        return new PublicUser(Json.text(node, "id"), Json.text(node, "email"), Json.text(node, "name"));
    }
}
