<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/**
 * 429 `rate_limit_exceeded`: the plan's hourly budget, or a login limit, is used up.
 *
 * `getRetryAfter()` is how long the server asked to wait (seconds); `getLimit()`,
 * `getRemaining()` and `getReset()` (Unix seconds) come from the X-RateLimit headers, or
 * from the envelope's details when the headers are absent (login limits send none).
 */
class RateLimitException extends ApiException
{
    public function getRetryAfter(): ?float
    {
        return \CloudBooks\RateLimit::parseRetryAfter($this->getHeaders()['retry-after'][0] ?? null);
    }

    public function getLimit(): ?int
    {
        return self::int($this->getHeaders()['x-ratelimit-limit'][0] ?? $this->getDetails()['limit'] ?? null);
    }

    public function getRemaining(): ?int
    {
        $header = $this->getHeaders()['x-ratelimit-remaining'][0] ?? null;

        return $header !== null ? self::int($header) : ($this->getLimit() !== null ? 0 : null);
    }

    public function getReset(): ?int
    {
        return self::int($this->getHeaders()['x-ratelimit-reset'][0] ?? $this->getDetails()['reset'] ?? null);
    }

    private static function int(mixed $value): ?int
    {
        return is_int($value) || (is_string($value) && ctype_digit($value)) ? (int) $value : null;
    }
}
