<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/** 413 `payload_too_large`: the body is over the server's limit (1 MiB by default). */
class PayloadTooLargeException extends ApiException
{
}
