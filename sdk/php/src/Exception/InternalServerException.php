<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/** 500 `internal_error`: a fault on the server; quote `getRequestId()`. */
class InternalServerException extends ServerException
{
}
