<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/** A 5xx answer: retried automatically (see the README) before it is thrown. */
class ServerException extends ApiException
{
}
