<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/** 400 or 422 `invalid_request`: `getDetails()["field"]` and `["issue"]` name the first invalid field. */
class InvalidRequestException extends ApiException
{
}
