<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/** No answer within the request's timeout (the `timeout` option). */
class TimeoutException extends ConnectionException
{
}
