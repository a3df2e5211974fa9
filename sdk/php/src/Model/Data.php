<?php

declare(strict_types=1);

namespace CloudBooks\Model;

use CloudBooks\Exception\ApiException;

/**
 * Reads fields out of a decoded JSON object for the models' fromArray().
 *
 * A missing or mistyped required field is an ApiException (the server broke its contract),
 * never a PHP TypeError in the caller's code. Unknown fields are ignored, so a newer server
 * never breaks an older SDK.
 *
 * @internal
 */
final class Data
{
    /** @param array<mixed> $data */
    public static function string(array $data, string $key): string
    {
        $value = $data[$key] ?? null;
        if (!is_string($value)) {
            throw new ApiException("The API's answer has no string field '{$key}'");
        }

        return $value;
    }

    /** @param array<mixed> $data */
    public static function stringOrNull(array $data, string $key): ?string
    {
        $value = $data[$key] ?? null;

        return is_string($value) ? $value : null;
    }

    /** @param array<mixed> $data */
    public static function intOrNull(array $data, string $key): ?int
    {
        $value = $data[$key] ?? null;

        return is_int($value) ? $value : null;
    }

    /**
     * @param array<mixed> $data
     *
     * @return array<mixed>
     */
    public static function object(array $data, string $key): array
    {
        $value = $data[$key] ?? null;
        if (!is_array($value)) {
            throw new ApiException("The API's answer has no object field '{$key}'");
        }

        return $value;
    }

    /** @param array<mixed> $data */
    public static function dateTime(array $data, string $key): \DateTimeImmutable
    {
        return self::dateTimeOrNull($data, $key)
            ?? throw new ApiException("The API's answer has no timestamp field '{$key}'");
    }

    /** @param array<mixed> $data */
    public static function dateTimeOrNull(array $data, string $key): ?\DateTimeImmutable
    {
        $value = $data[$key] ?? null;
        if (!is_string($value) || $value === '') {
            return null;
        }
        try {
            return new \DateTimeImmutable($value);
        } catch (\Exception $e) {
            throw new ApiException("The API's answer has a malformed timestamp in '{$key}'", previous: $e);
        }
    }
}
