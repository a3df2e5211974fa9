<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/**
 * A failed API call: the error envelope `{"error": {code, message, details, request_id}}`.
 *
 * Every failure of a request is one of these; the subclass follows the HTTP status
 * (NotFoundException for 404, …). A request that got no answer at all is a
 * ConnectionException, whose status is null.
 */
class ApiException extends \RuntimeException implements ExceptionInterface
{
    /**
     * @param array<string, mixed>        $details
     * @param array<string, list<string>> $headers response headers, names in lower case
     */
    public function __construct(
        string $message,
        private readonly ?int $status = null,
        private readonly ?string $errorCode = null,
        private readonly array $details = [],
        private readonly ?string $requestId = null,
        private readonly array $headers = [],
        private readonly ?string $body = null,
        ?\Throwable $previous = null,
    ) {
        // getCode() is PHP's integer code: the HTTP status, or 0 without an answer.
        parent::__construct($message, $status ?? 0, $previous);
    }

    /**
     * The exception for an error answer, by status; tolerant of bodies that are not the envelope.
     *
     * @param array<string, list<string>> $headers
     */
    public static function fromResponse(int $status, array $headers, string $body): self
    {
        $decoded = json_decode($body, true);
        $error = is_array($decoded) && is_array($decoded['error'] ?? null) ? $decoded['error'] : [];
        $message = is_string($error['message'] ?? null) && $error['message'] !== ''
            ? $error['message']
            : "HTTP {$status}";
        $code = is_string($error['code'] ?? null) ? $error['code'] : null;
        $details = is_array($error['details'] ?? null) ? $error['details'] : [];
        $requestId = is_string($error['request_id'] ?? null)
            ? $error['request_id']
            : ($headers['x-request-id'][0] ?? null);
        $class = match (true) {
            $status === 400, $status === 422 => InvalidRequestException::class,
            $status === 401 => AuthenticationException::class,
            $status === 403 => PermissionException::class,
            $status === 404 => NotFoundException::class,
            $status === 409 => ConflictException::class,
            $status === 413 => PayloadTooLargeException::class,
            $status === 415 => UnsupportedMediaTypeException::class,
            $status === 429 => RateLimitException::class,
            $status === 500 => InternalServerException::class,
            $status === 503 => ServiceUnavailableException::class,
            $status >= 500 => ServerException::class,
            default => self::class,
        };

        /** @var array<string, mixed> $details */
        return new $class($message, $status, $code, $details, $requestId, $headers, $body);
    }

    /** The HTTP status; null when no answer came (ConnectionException). */
    public function getStatus(): ?int
    {
        return $this->status;
    }

    /** The envelope's stable `code` (`not_found`, `invalid_request`, …): branch on this. */
    public function getErrorCode(): ?string
    {
        return $this->errorCode;
    }

    /**
     * The envelope's `details`: for a 400, `field`, `issue` and `errors`.
     *
     * @return array<string, mixed>
     */
    public function getDetails(): array
    {
        return $this->details;
    }

    /** The request's id (`X-Request-Id`): quote it when asking CloudBooks about a request. */
    public function getRequestId(): ?string
    {
        return $this->requestId;
    }

    /**
     * The response's headers, names in lower case.
     *
     * @return array<string, list<string>>
     */
    public function getHeaders(): array
    {
        return $this->headers;
    }

    /** The response body as received (null without an answer). */
    public function getBody(): ?string
    {
        return $this->body;
    }

    public function __toString(): string
    {
        $where = $this->status === null ? '' : sprintf(
            ' (status %d, code %s%s)',
            $this->status,
            $this->errorCode ?? 'none',
            $this->requestId === null ? '' : ", request id {$this->requestId}",
        );

        return static::class . ': ' . $this->getMessage() . $where;
    }
}
