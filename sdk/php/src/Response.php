<?php

declare(strict_types=1);

namespace CloudBooks;

/**
 * One HTTP answer as the client received it: `Client::getLastResponse()` after a call.
 */
final class Response
{
    /** The budget after this response; null without the headers (unlimited plans). */
    public readonly ?RateLimit $rateLimit;

    /** `X-Request-Id`: quote it when asking CloudBooks about a request. */
    public readonly ?string $requestId;

    /** True when the server replayed a saved answer for a repeated Idempotency-Key. */
    public readonly bool $idempotentReplayed;

    /** @param array<string, list<string>> $headers names in lower case */
    public function __construct(
        public readonly int $status,
        public readonly array $headers,
        public readonly string $body,
    ) {
        $this->rateLimit = RateLimit::fromHeaders($headers);
        $this->requestId = $headers['x-request-id'][0] ?? null;
        $this->idempotentReplayed = strtolower($headers['idempotent-replayed'][0] ?? '') === 'true';
    }

    /** The first value of a header (any case), or null. */
    public function header(string $name): ?string
    {
        return $this->headers[strtolower($name)][0] ?? null;
    }

    /** The decoded JSON body; null for an empty body (204). An ApiException if it is not JSON. */
    public function json(): mixed
    {
        if ($this->body === '') {
            return null;
        }

        try {
            return json_decode($this->body, true, 512, \JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            // A proxy's HTML page, say: still an error of the SDK's one hierarchy.
            throw new Exception\ApiException(
                "The answer (status {$this->status}) is not JSON: {$e->getMessage()}",
                requestId: $this->requestId,
                headers: $this->headers,
                body: $this->body,
                previous: $e,
            );
        }
    }
}
