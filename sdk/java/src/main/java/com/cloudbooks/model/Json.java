package com.cloudbooks.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Reading answers leniently: unknown fields are ignored, so a newer server never breaks an older SDK. */
final class Json {
    private Json() {
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNull() || value.isMissingNode() ? "" : value.asText();
    }

    static Optional<String> optText(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNull() || value.isMissingNode() ? Optional.empty() : Optional.of(value.asText());
    }

    static Optional<Instant> optInstant(JsonNode node, String field) {
        return optText(node, field).filter(s -> !s.isEmpty()).map(Instant::parse);
    }

    static Instant instant(JsonNode node, String field) {
        return optInstant(node, field).orElse(Instant.EPOCH);
    }

    static OptionalInt optInt(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? OptionalInt.of(value.asInt()) : OptionalInt.empty();
    }

    static OptionalLong optLong(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? OptionalLong.of(value.asLong()) : OptionalLong.empty();
    }
}
