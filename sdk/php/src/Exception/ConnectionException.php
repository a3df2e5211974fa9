<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/**
 * No answer came: the server could not be reached, or the connection broke. `getStatus()` is
 * null. Retried automatically (see the README) before it is thrown.
 */
class ConnectionException extends ApiException
{
    public function __construct(
        string $message,
        private readonly int $curlErrno = 0,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, null, 'connection_error', [], null, [], null, $previous);
    }

    /** libcurl's error number (`CURLE_*`), 0 if unknown. */
    public function getCurlErrno(): int
    {
        return $this->curlErrno;
    }
}
