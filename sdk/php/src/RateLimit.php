<?php

declare(strict_types=1);

namespace CloudBooks;

/**
 * The caller's hourly budget after a response, from its X-RateLimit-* headers.
 *
 * Unlimited plans get no such headers: `Client::getRateLimit()` is then null, not zeros.
 */
final class RateLimit
{
    public function __construct(
        public readonly int $limit,
        public readonly int $remaining,
        /** Unix seconds when the budget renews. */
        public readonly int $reset,
    ) {
    }

    /** @param array<string, list<string>> $headers names in lower case */
    public static function fromHeaders(array $headers): ?self
    {
        $values = [];
        foreach (['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'] as $name) {
            $value = $headers[$name][0] ?? null;
            if ($value === null || !ctype_digit(trim($value))) {
                return null;
            }
            $values[] = (int) trim($value);
        }

        return new self(...$values);
    }

    /** Seconds to wait: `Retry-After` is either delta-seconds or an HTTP date. */
    public static function parseRetryAfter(?string $value, ?float $now = null): ?float
    {
        if ($value === null || trim($value) === '') {
            return null;
        }
        $value = trim($value);
        if (is_numeric($value)) {
            return max(0.0, (float) $value);
        }
        $when = \DateTimeImmutable::createFromFormat(\DATE_RFC7231, $value);
        if ($when === false) {
            return null;
        }

        return max(0.0, (float) $when->getTimestamp() - ($now ?? microtime(true)));
    }
}
