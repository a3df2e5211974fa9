<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/** 503 `service_unavailable`: the database or cache is unreachable; a refused write was not made. */
class ServiceUnavailableException extends ServerException
{
}
