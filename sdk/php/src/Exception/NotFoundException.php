<?php

declare(strict_types=1);

namespace CloudBooks\Exception;

/** 404 `not_found`: no such object, or one the caller may not know exists. */
class NotFoundException extends ApiException
{
}
